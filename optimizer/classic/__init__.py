"""The classical yardsticks: CVRPLIB (``cvrplib``) and Cordeau's periodic VRP (``pvrp``) file formats, and solving
them with the planner's own engine (``solve``). Imports ``model``, ``routing``, ``errors`` and ``files``.
"""
