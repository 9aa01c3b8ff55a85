// The demo shop's own catalog. The sku, name, category, price, image, url and stock of every
// product are copied from the demo pack's catalog (fixtures/packs/demo.json), which is what the
// xsell engine decides from; scripts/demo.sh checks that the two still agree. The rest (store,
// copy, specs) is the shop's own and means nothing to xsell.

export const STORES = {
  sleep: {
    id: 'sleep',
    name: 'Drift Sleep Co.',
    short: 'Sleep',
    href: '/sleep/',
    tagline: 'Mattresses made for deep, cool, uninterrupted sleep.',
  },
  camera: {
    id: 'camera',
    name: 'Luma Camera Supply',
    short: 'Camera',
    href: '/camera/',
    tagline: 'Mirrorless cameras, glass and the kit that keeps you shooting.',
  },
};

/** Products in display order; `featured` ones lead their store's page. */
export const PRODUCTS = [
  {
    sku: 'AURORA-Q', name: 'Aurora Queen Mattress', category: 'mattress', store: 'sleep',
    price: 129900, currency: 'USD', image: '/img/aurora-q.svg', url: '/products/aurora-q.html', stock: 14,
    featured: true, rating: 4.8, reviews: 1284, kind: 'Memory foam mattress · Queen',
    blurb: 'Four layers of adaptive memory foam that cradle shoulders and hips, with a breathable quilted cover that pulls heat away through the night.',
    bullets: ['Medium-firm feel, 12-inch profile', 'Cooling open-cell comfort layer', '100-night trial, 10-year warranty'],
    specs: [['Size', '60 × 80 in (Queen)'], ['Height', '12 in'], ['Feel', 'Medium-firm'], ['Layers', '4 (memory foam)'], ['Delivery', 'Free, compressed in a box']],
    ask: 'sleep',
  },
  {
    sku: 'AURORA-K', name: 'Aurora King Mattress', category: 'mattress', store: 'sleep',
    price: 159900, currency: 'USD', image: '/img/aurora-k.svg', url: '/products/aurora-k.html', stock: 6,
    featured: true, rating: 4.8, reviews: 736, kind: 'Memory foam mattress · King',
    blurb: 'The Aurora in king size: the same four-layer memory foam build with room for two and motion isolation that keeps a restless partner on their side.',
    bullets: ['Medium-firm feel, 12-inch profile', 'Excellent motion isolation', '100-night trial, 10-year warranty'],
    specs: [['Size', '76 × 80 in (King)'], ['Height', '12 in'], ['Feel', 'Medium-firm'], ['Layers', '4 (memory foam)'], ['Delivery', 'Free, compressed in a box']],
    ask: 'sleep',
  },
  {
    sku: 'NIMBUS-Q', name: 'Nimbus Queen Hybrid Mattress', category: 'mattress', store: 'sleep',
    price: 99900, currency: 'USD', image: '/img/nimbus-q.svg', url: '/products/nimbus-q.html', stock: 20,
    featured: true, rating: 4.6, reviews: 942, kind: 'Hybrid mattress · Queen',
    blurb: 'Individually wrapped coils under a plush foam top: the bounce of innerspring with the pressure relief of foam, and plenty of airflow.',
    bullets: ['Responsive pocket coils', 'Reinforced edges for sitting', '100-night trial, 10-year warranty'],
    specs: [['Size', '60 × 80 in (Queen)'], ['Height', '11 in'], ['Feel', 'Medium'], ['Support', '800 pocket coils'], ['Delivery', 'Free, compressed in a box']],
    ask: 'sleep',
  },
  {
    sku: 'COOLGUARD-Q', name: 'CoolGuard Queen Protector', category: 'protector', store: 'sleep',
    price: 8900, currency: 'USD', image: '/img/coolguard-q.svg', url: '/products/coolguard-q.html', stock: 40,
    rating: 4.7, reviews: 512, kind: 'Cooling protector · Queen',
    blurb: 'A phase-change cooling fabric over a waterproof membrane: it wicks heat away and keeps spills from ever reaching the foam.',
    bullets: ['Cool-to-the-touch knit', 'Waterproof, breathable, quiet', 'Keeps your mattress warranty valid'],
    specs: [['Fits', 'Queen, up to 16 in deep'], ['Fabric', 'Phase-change knit'], ['Care', 'Machine washable']],
  },
  {
    sku: 'COOLGUARD-K', name: 'CoolGuard King Protector', category: 'protector', store: 'sleep',
    price: 9900, currency: 'USD', image: '/img/coolguard-k.svg', url: '/products/coolguard-k.html', stock: 0,
    rating: 4.7, reviews: 208, kind: 'Cooling protector · King',
    blurb: 'The CoolGuard cooling protector sized for a king: phase-change fabric on top, a silent waterproof membrane beneath.',
    bullets: ['Cool-to-the-touch knit', 'Waterproof, breathable, quiet', 'Keeps your mattress warranty valid'],
    specs: [['Fits', 'King, up to 16 in deep'], ['Fabric', 'Phase-change knit'], ['Care', 'Machine washable']],
  },
  {
    sku: 'DRYSHIELD-Q', name: 'DryShield Queen Protector', category: 'protector', store: 'sleep',
    price: 5900, currency: 'USD', image: '/img/dryshield-q.svg', url: '/products/dryshield-q.html', stock: 25,
    rating: 4.5, reviews: 677, kind: 'Waterproof protector · Queen',
    blurb: 'A soft cotton terry protector with a silent waterproof backing. Spills and stains stay on the protector, not on your mattress.',
    bullets: ['100% waterproof, no crinkle', 'Soft cotton terry surface', 'Deep elastic skirt'],
    specs: [['Fits', 'Queen, up to 16 in deep'], ['Surface', 'Cotton terry'], ['Care', 'Machine washable']],
  },
  {
    sku: 'SETUP-WG', name: 'White-Glove Setup', category: 'service', store: 'sleep',
    price: 14900, currency: 'USD', image: '/img/setup-wg.svg', url: '/products/setup-wg.html',
    rating: 4.9, reviews: 389, kind: 'Delivery service',
    blurb: 'Two of our team carry your new mattress to the room, unbox and set it up on your frame, and take the old mattress and all the packaging away.',
    bullets: ['Room-of-choice delivery', 'Setup on your frame or base', 'Old mattress removed and recycled'],
    specs: [['Scheduling', 'Pick a 2-hour window'], ['Area', 'Contiguous US'], ['Removal', 'One mattress included']],
  },
  {
    sku: 'ALIGN-FRAME-Q', name: 'Frame Alignment Kit (Queen)', category: 'accessory', store: 'sleep',
    price: 4900, currency: 'USD', image: '/img/align-frame-q.svg', url: '/products/align-frame-q.html', stock: 30,
    rating: 4.4, reviews: 154, kind: 'Bed frame accessory · Queen',
    blurb: 'Steel center-support legs, corner brackets and shims that level an existing queen frame, so a new mattress is supported evenly from edge to edge.',
    bullets: ['Adjustable center support legs', 'Corner brackets and leveling shims', 'Tool-free, 15-minute install'],
    specs: [['Fits', 'Queen frames'], ['Legs', '2 adjustable, 7–13 in'], ['Material', 'Powder-coated steel']],
  },
  {
    sku: 'PILLOW-CLOUD', name: 'Cloud Pillow', category: 'pillow', store: 'sleep',
    price: 6900, currency: 'USD', image: '/img/pillow-cloud.svg', url: '/products/pillow-cloud.html', stock: 50,
    rating: 4.6, reviews: 2031, kind: 'Cooling gel pillow',
    blurb: 'Shredded foam blended with cooling gel in an adjustable fill: take some out for a low loft, keep it all for side sleeping.',
    bullets: ['Adjustable loft', 'Cooling gel-infused fill', 'Removable, washable cover'],
    specs: [['Size', 'Standard, 20 × 26 in'], ['Fill', 'Gel-infused shredded foam'], ['Care', 'Cover machine washable']],
  },
  {
    sku: 'SHEETS-PERCALE-Q', name: 'Percale Sheet Set (Queen)', category: 'bedding', store: 'sleep',
    price: 11900, currency: 'USD', image: '/img/sheets-percale-q.svg', url: '/products/sheets-percale-q.html', stock: 18,
    rating: 4.7, reviews: 845, kind: 'Sheet set · Queen',
    blurb: 'Crisp, cool long-staple cotton percale cut with deep pockets. Breathable like your favourite shirt and softer with every wash.',
    bullets: ['100% long-staple cotton, 300 thread count', 'Deep pockets fit up to 16 in', 'Fitted, flat and two pillowcases'],
    specs: [['Fits', 'Queen, up to 16 in deep'], ['Weave', 'Percale'], ['Includes', 'Fitted, flat, 2 cases']],
  },
  {
    sku: 'SLEEP-COACH', name: '30-Night Sleep Coaching', category: 'service', store: 'sleep',
    price: 1900, currency: 'USD', image: '/img/sleep-coach.svg', url: '/products/sleep-coach.html',
    rating: 4.5, reviews: 121, kind: 'Coaching service',
    blurb: 'A short nightly check-in for your first month on a new mattress, with tips from our sleep coaches while your body adjusts.',
    bullets: ['Nightly two-minute check-in', 'Weekly tips from a sleep coach', 'Works by text or email'],
    specs: [['Length', '30 nights'], ['Delivery', 'Text or email'], ['Starts', 'The night your mattress arrives']],
  },
  {
    sku: 'RUSH-SHIP', name: 'Rush Delivery (2 days)', category: 'service', store: 'sleep',
    price: 2900, currency: 'USD', image: '/img/rush-ship.svg', url: '/products/rush-ship.html',
    rating: 4.6, reviews: 97, kind: 'Delivery upgrade',
    blurb: 'Order before 2 pm on a weekday and your order leaves the same day and arrives in two business days.',
    bullets: ['Ships the same weekday', 'Arrives in two business days', 'Tracked door to door'],
    specs: [['Cut-off', '2 pm local time, Mon–Fri'], ['Area', 'US and Canada']],
  },
  {
    sku: 'LUMA-Z6', name: 'Luma Z6 Mirrorless Camera', category: 'camera', store: 'camera',
    price: 189900, currency: 'USD', image: '/img/luma-z6.svg', url: '/products/luma-z6.html', stock: 8,
    featured: true, rating: 4.9, reviews: 418, kind: 'Full-frame mirrorless · Body only',
    blurb: 'A 33-megapixel full-frame sensor, in-body stabilization and subject-tracking autofocus in a weather-sealed body that fits in one hand.',
    bullets: ['33 MP full-frame sensor', '5-axis in-body stabilization', '4K 60p video, dual card slots'],
    specs: [['Sensor', '33 MP full-frame'], ['Mount', 'Luma Z'], ['Video', '4K 60p, 10-bit'], ['Card slots', '2 × SD UHS-II'], ['Weight', '655 g with battery'], ['In the box', 'Body, battery, strap (no card)']],
    ask: 'camera',
  },
  {
    sku: 'LUMA-Z5-R', name: 'Luma Z5 Camera (Refurbished)', category: 'camera', store: 'camera',
    price: 99900, currency: 'USD', image: '/img/luma-z5-r.svg', url: '/products/luma-z5-r.html', stock: 3,
    featured: true, rating: 4.6, reviews: 133, kind: 'Mirrorless · Certified refurbished',
    blurb: 'A certified refurbished Luma Z5: inspected, cleaned and tested by our technicians, with a new battery and a one-year warranty.',
    bullets: ['24 MP full-frame sensor', 'New battery and strap', '1-year refurbished warranty'],
    specs: [['Sensor', '24 MP full-frame'], ['Mount', 'Luma Z'], ['Condition', 'Certified refurbished'], ['In the box', 'Body, battery, strap (no card)']],
    ask: 'camera',
  },
  {
    sku: 'LENS-35', name: 'Luma 35mm f/1.8 Lens', category: 'lens', store: 'camera',
    price: 44900, currency: 'USD', image: '/img/lens-35.svg', url: '/products/lens-35.html', stock: 12,
    featured: true, rating: 4.8, reviews: 302, kind: 'Prime lens · Luma Z mount',
    blurb: 'A fast, light everyday prime. Sharp wide open, with smooth background blur for portraits and enough light for evenings indoors.',
    bullets: ['f/1.8 maximum aperture', 'Quiet stepping autofocus', 'Weather-sealed, 370 g'],
    specs: [['Focal length', '35 mm'], ['Aperture', 'f/1.8 – f/16'], ['Mount', 'Luma Z'], ['Filter', '62 mm']],
  },
  {
    sku: 'SDX-128', name: 'ProSD 128 GB Card', category: 'memory-card', store: 'camera',
    price: 4900, currency: 'USD', image: '/img/sdx-128.svg', url: '/products/sdx-128.html', stock: 100,
    rating: 4.7, reviews: 1540, kind: 'SD card · UHS-II',
    blurb: 'A fast UHS-II card with room for about 3,000 raw photos. Fast enough for bursts and 4K video.',
    bullets: ['Up to 300 MB/s read', 'V90 video rating', 'Lifetime limited warranty'],
    specs: [['Capacity', '128 GB'], ['Bus', 'UHS-II'], ['Video class', 'V90']],
  },
  {
    sku: 'SDX-256', name: 'ProSD 256 GB Card', category: 'memory-card', store: 'camera',
    price: 7900, currency: 'USD', image: '/img/sdx-256.svg', url: '/products/sdx-256.html', stock: 60,
    rating: 4.8, reviews: 988, kind: 'SD card · UHS-II',
    blurb: 'Twice the room: long 4K takes and a full travel day of raw photos on one card.',
    bullets: ['Up to 300 MB/s read', 'V90 video rating', 'Lifetime limited warranty'],
    specs: [['Capacity', '256 GB'], ['Bus', 'UHS-II'], ['Video class', 'V90']],
  },
  {
    sku: 'BATT-EN', name: 'EN-Z Spare Battery', category: 'battery', store: 'camera',
    price: 5900, currency: 'USD', image: '/img/batt-en.svg', url: '/products/batt-en.html', stock: 40,
    rating: 4.7, reviews: 640, kind: 'Battery · Luma Z cameras',
    blurb: 'The genuine EN-Z lithium-ion pack for Luma Z cameras. Charges in camera over USB-C.',
    bullets: ['About 400 shots per charge', 'USB-C in-camera charging', 'Genuine Luma cell'],
    specs: [['Capacity', '2,280 mAh'], ['Fits', 'Luma Z5, Z6'], ['Charging', 'In camera, USB-C']],
  },
  {
    sku: 'BAG-SLING', name: 'Sling Camera Bag', category: 'bag', store: 'camera',
    price: 7900, currency: 'USD', image: '/img/bag-sling.svg', url: '/products/bag-sling.html', stock: 22,
    rating: 4.5, reviews: 277, kind: 'Camera bag · 6 L',
    blurb: 'A slim sling that swings round to the front for quick access. Fits a mirrorless body with two lenses and your phone.',
    bullets: ['6-litre padded compartment', 'Quick side access', 'Water-resistant recycled nylon'],
    specs: [['Volume', '6 L'], ['Fits', 'Body + 2 lenses'], ['Material', 'Recycled nylon']],
  },
  {
    sku: 'CLEAN-KIT', name: 'Sensor Cleaning Kit', category: 'care', store: 'camera',
    price: 2900, currency: 'USD', image: '/img/clean-kit.svg', url: '/products/clean-kit.html', stock: 80,
    rating: 4.4, reviews: 380, kind: 'Camera care',
    blurb: 'Everything to clean a full-frame sensor safely at home: a rocket blower, ten sealed swabs and cleaning solution.',
    bullets: ['Rocket air blower', '10 sealed full-frame swabs', '15 ml sensor-safe solution'],
    specs: [['Swabs', '10 × 24 mm'], ['Solution', '15 ml'], ['Lasts', 'About 3 months of regular use']],
  },
  {
    sku: 'CARE-PLAN', name: '2-Year Camera Care Plan', category: 'protection', store: 'camera',
    price: 14900, currency: 'USD', image: '/img/care-plan.svg', url: '/products/care-plan.html',
    rating: 4.6, reviews: 190, kind: 'Protection plan',
    blurb: 'Two years of cover for drops, spills and sensor damage on a new camera, with free shipping both ways and no deductible.',
    bullets: ['Accidental damage included', 'No deductible, no paperwork', 'Free repair shipping both ways'],
    specs: [['Term', '2 years'], ['Covers', 'New cameras'], ['Claims', 'Online, 24/7']],
  },
];

export const CATALOG = Object.fromEntries(PRODUCTS.map((p) => [p.sku, p]));

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** Formats minor units (cents) as dollars: 129900 → "$1,299.00". */
export function money(cents) {
  return usd.format((Number(cents) || 0) / 100);
}
