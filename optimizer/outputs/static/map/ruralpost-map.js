/* ruralpost map.html behaviour (inlined into the page): the day selector shows one day or all days and filters the
   legend to it; village names appear from opts.labelZoom on. Exposes window.ruralpost for tests and for planners'
   own scripts. */
function ruralpostMap(map, opts) {
  // opts: {allDays: L.LayerGroup, days: [[L.LayerGroup, day], ...], labelZoom: number, legend: element id,
  //        overlays: {name: layer}, bounds: [[south, west], [north, east]] or null}
  if (opts.bounds) map.fitBounds(opts.bounds, {animate: false});
  for (const [group] of opts.days) group.eachLayer(layer => opts.allDays.addLayer(layer));
  const markersOnTop = () => map.eachLayer(layer => {
    if (layer instanceof L.CircleMarker && layer.options.interactive !== false) layer.bringToFront();
  });
  const container = map.getContainer();
  const labels = () => container.classList.toggle('rp-labels-on', map.getZoom() >= opts.labelZoom);
  const legendFor = day => {
    const rows = document.querySelectorAll('#' + opts.legend + ' tr[data-day]');
    rows.forEach(tr => { tr.style.display = day === null || Number(tr.dataset.day) === day ? '' : 'none'; });
  };
  map.on('zoomend', labels);
  map.on('baselayerchange', e => {
    const hit = opts.days.find(([group]) => group === e.layer);
    legendFor(hit ? hit[1] : null);
    markersOnTop();
  });
  labels();
  markersOnTop();
  window.ruralpost = Object.assign({map: map}, opts);
}
