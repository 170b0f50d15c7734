// SPDX-License-Identifier: MIT
//
// The portal's map (Leaflet, vendored under /vendor/leaflet/). It appears
// only when the server names a tile URL (serve --map-tiles); clicking it
// fills the latitude and longitude fields, and typing them moves the
// marker. When no tile loads (no URL, offline, blocked), the map stays
// hidden and the plain fields do the job alone.
const GIVE_UP_MS = 8000;

// Sets up the map in box (#map-box with #map inside) for the fields lat
// and long; mapCfg is web-config's "map". Returns nothing; never throws.
export function setupMap(mapCfg, box, lat, long) {
    const L = globalThis.L;
    if (!mapCfg?.tile_url || !L)
        return;
    try {
        box.hidden = false;
        const center = mapCfg.center ?? [0, 0];
        const map = L.map(box.querySelector('#map'), {
            center, zoom: mapCfg.center ? (mapCfg.zoom ?? 12) : 2,
        });
        let loaded = false;
        const layer = L.tileLayer(mapCfg.tile_url, {
            attribution: mapCfg.attribution ?? '', maxZoom: 19,
        }).addTo(map);
        layer.on('tileload', () => { loaded = true; });
        setTimeout(() => {
            if (!loaded) {
                map.remove();
                box.hidden = true;
            }
        }, GIVE_UP_MS);
        let marker = null;
        const place = (la, lo) => {
            if (marker)
                marker.setLatLng([la, lo]);
            else
                marker = L.marker([la, lo]).addTo(map);
        };
        map.on('click', (e) => {
            lat.value = e.latlng.lat.toFixed(6);
            long.value = e.latlng.lng.toFixed(6);
            place(e.latlng.lat, e.latlng.lng);
        });
        const typed = () => {
            const la = Number(lat.value), lo = Number(long.value);
            if (lat.value && long.value && Math.abs(la) <= 90 &&
                Math.abs(lo) <= 180) {
                place(la, lo);
                map.panTo([la, lo]);
            }
        };
        lat.addEventListener('change', typed);
        long.addEventListener('change', typed);
    } catch {
        box.hidden = true;
    }
}
