// Writes www/img/*.svg: simple flat product illustrations, 600×600, full-bleed background, one
// per product image the demo pack names, plus the favicon:
//
//   node www/.build/images.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const out = fileURLToPath(new URL('../img', import.meta.url));
mkdirSync(out, { recursive: true });

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
const BG = {
  sleep: ['#f1f3fc', '#dfe4f7'],
  camera: ['#f7f2ec', '#e8dfd2'],
};
function svg(store, title, body) {
  const [a, b] = BG[store];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600" role="img" aria-label="${title}">
<title>${title}</title>
<defs>
<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient>
<radialGradient id="shadow"><stop offset="0" stop-color="#1b1f3a" stop-opacity=".22"/><stop offset="1" stop-color="#1b1f3a" stop-opacity="0"/></radialGradient>
</defs>
<rect width="600" height="600" fill="url(#bg)"/>
${body}
</svg>
`;
}
const shadow = (cx, cy, rx, ry) => `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="url(#shadow)"/>`;
const text = (x, y, s, size, fill, extra = '') =>
  `<text x="${x}" y="${y}" font-family="${FONT}" font-size="${size}" fill="${fill}" text-anchor="middle" ${extra}>${s}</text>`;

// ---- sleep -------------------------------------------------------------------------------
function mattress({ x0, x1, label, layers, top = '#fbfbfe', coils = false }) {
  const dx = 72, dy = -84, yTop = 300, h = 150;
  const yb = yTop + h;
  const p = (pts) => pts.map((q) => q.join(',')).join(' ');
  let s = shadow((x0 + x1 + dx) / 2, yb + 14, (x1 - x0) / 2 + 70, 26);
  // top face
  s += `<polygon points="${p([[x0, yTop], [x1, yTop], [x1 + dx, yTop + dy], [x0 + dx, yTop + dy]])}" fill="${top}" stroke="#c9cfea" stroke-width="2" stroke-linejoin="round"/>`;
  // quilting on top
  for (let i = 1; i < 6; i++) {
    const t = i / 6;
    const xa = x0 + (x1 - x0) * t;
    s += `<line x1="${xa}" y1="${yTop}" x2="${xa + dx}" y2="${yTop + dy}" stroke="#e3e6f5" stroke-width="2"/>`;
  }
  for (let i = 1; i < 3; i++) {
    const t = i / 3;
    s += `<line x1="${x0 + dx * t}" y1="${yTop + dy * t}" x2="${x1 + dx * t}" y2="${yTop + dy * t}" stroke="#e3e6f5" stroke-width="2"/>`;
  }
  // front and side faces, in layers
  let y = yTop;
  for (const [frac, color, side] of layers) {
    const lh = h * frac;
    s += `<rect x="${x0}" y="${y}" width="${x1 - x0}" height="${lh}" fill="${color}"/>`;
    s += `<polygon points="${p([[x1, y], [x1 + dx, y + dy], [x1 + dx, y + dy + lh], [x1, y + lh]])}" fill="${side}"/>`;
    y += lh;
  }
  if (coils) {
    const cy = yTop + h * 0.3 + (h * 0.36) / 2;
    for (let x = x0 + 22; x < x1 - 10; x += 26) {
      s += `<ellipse cx="${x}" cy="${cy}" rx="9" ry="15" fill="none" stroke="#ffffff" stroke-opacity=".55" stroke-width="3"/>`;
    }
  }
  // outline
  s += `<polygon points="${p([[x0, yTop], [x1, yTop], [x1 + dx, yTop + dy], [x1 + dx, yb + dy], [x1, yb], [x0, yb]])}" fill="none" stroke="#aab2dd" stroke-width="2" stroke-linejoin="round"/>`;
  s += `<line x1="${x1}" y1="${yTop}" x2="${x1}" y2="${yb}" stroke="#aab2dd" stroke-width="2"/>`;
  // seam piping
  s += `<line x1="${x0}" y1="${yTop + 3}" x2="${x1}" y2="${yTop + 3}" stroke="#ffffff" stroke-width="3" stroke-opacity=".8"/>`;
  // label
  const lx = x0 + 34;
  s += `<rect x="${lx}" y="${yb - 38}" width="${label.length * 11 + 34}" height="24" rx="5" fill="#ffffff" fill-opacity=".92"/>`;
  s += `<text x="${lx + 17}" y="${yb - 21}" font-family="${FONT}" font-size="13" font-weight="700" letter-spacing="2.5" fill="#3440a8">${label}</text>`;
  return s;
}

function folded({ x0 = 120, x1 = 440, y0 = 290, h = 150, color, side, topc, band, label, sub, badge, stripes }) {
  const dx = 48, dy = -58;
  let s = shadow((x0 + x1 + dx) / 2, y0 + h + 14, (x1 - x0) / 2 + 50, 22);
  const p = (pts) => pts.map((q) => q.join(',')).join(' ');
  s += `<polygon points="${p([[x0, y0], [x1, y0], [x1 + dx, y0 + dy], [x0 + dx, y0 + dy]])}" fill="${topc}" stroke="${side}" stroke-width="2" stroke-linejoin="round"/>`;
  s += `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${h}" fill="${color}"/>`;
  s += `<polygon points="${p([[x1, y0], [x1 + dx, y0 + dy], [x1 + dx, y0 + dy + h], [x1, y0 + h]])}" fill="${side}"/>`;
  // folds
  for (let i = 1; i < 4; i++) {
    const y = y0 + (h * i) / 4;
    s += `<path d="M${x0} ${y} q ${(x1 - x0) / 2} 6 ${x1 - x0} 0" fill="none" stroke="#ffffff" stroke-opacity=".7" stroke-width="3"/>`;
    s += `<line x1="${x1}" y1="${y}" x2="${x1 + dx}" y2="${y + dy}" stroke="#ffffff" stroke-opacity=".45" stroke-width="2"/>`;
  }
  if (stripes) {
    for (let x = x0 + 14; x < x1; x += 18) s += `<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + h}" stroke="${stripes}" stroke-opacity=".35" stroke-width="2"/>`;
  }
  // paper band
  const bx = x0 + (x1 - x0) * 0.3, bw = (x1 - x0) * 0.4;
  s += `<rect x="${bx}" y="${y0}" width="${bw}" height="${h}" fill="${band}"/>`;
  s += `<polygon points="${p([[bx, y0], [bx + bw, y0], [bx + bw + dx, y0 + dy], [bx + dx, y0 + dy]])}" fill="${band}" opacity=".92"/>`;
  s += text(bx + bw / 2, y0 + h / 2 - 4, label, 15, '#20264f', 'font-weight="700" letter-spacing="1"');
  s += text(bx + bw / 2, y0 + h / 2 + 16, sub, 11, '#5a6290', 'letter-spacing="2"');
  s += `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${h}" fill="none" stroke="${side}" stroke-width="2"/>`;
  if (badge) s += badge(x1 + 10, y0 - 80);
  return s;
}
const snowBadge = (cx, cy) => {
  let s = `<circle cx="${cx}" cy="${cy}" r="40" fill="#2f7fd1"/>`;
  for (let a = 0; a < 180; a += 60) {
    s += `<g transform="rotate(${a} ${cx} ${cy})"><line x1="${cx}" y1="${cy - 24}" x2="${cx}" y2="${cy + 24}" stroke="#fff" stroke-width="4" stroke-linecap="round"/>
<polyline points="${cx - 8},${cy - 20} ${cx},${cy - 12} ${cx + 8},${cy - 20}" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>
<polyline points="${cx - 8},${cy + 20} ${cx},${cy + 12} ${cx + 8},${cy + 20}" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></g>`;
  }
  return s;
};
const dropBadge = (cx, cy) =>
  `<circle cx="${cx}" cy="${cy}" r="40" fill="#3c4bb8"/><path d="M${cx} ${cy - 24} C ${cx + 6} ${cy - 12} ${cx + 18} ${cy} ${cx + 18} ${cy + 8} A 18 18 0 0 1 ${cx - 18} ${cy + 8} C ${cx - 18} ${cy} ${cx - 6} ${cy - 12} ${cx} ${cy - 24} Z" fill="#fff"/><path d="M${cx - 8} ${cy + 8} a 8 8 0 0 0 8 8" fill="none" stroke="#3c4bb8" stroke-width="3" stroke-linecap="round"/>`;

const IMAGES = {};
IMAGES['aurora-q'] = ['sleep', 'Aurora Queen Mattress', mattress({ x0: 80, x1: 440, label: 'AURORA', layers: [[0.3, '#eef0fb', '#d9ddf3'], [0.36, '#c8cdf0', '#b3b9e6'], [0.34, '#7f89d3', '#6b75c4']] })];
IMAGES['aurora-k'] = ['sleep', 'Aurora King Mattress', mattress({ x0: 40, x1: 480, label: 'AURORA KING', layers: [[0.3, '#eef0fb', '#d9ddf3'], [0.36, '#c8cdf0', '#b3b9e6'], [0.34, '#7f89d3', '#6b75c4']] })];
IMAGES['nimbus-q'] = ['sleep', 'Nimbus Queen Hybrid Mattress', mattress({ x0: 80, x1: 440, label: 'NIMBUS', coils: true, layers: [[0.3, '#eef5f6', '#d5e6e9'], [0.36, '#7fb4bf', '#6aa2ad'], [0.34, '#3f7f8c', '#356f7b']] })];
IMAGES['coolguard-q'] = ['sleep', 'CoolGuard Queen Protector', folded({ color: '#d6e9f8', side: '#a9cbe8', topc: '#e7f2fb', band: '#ffffff', label: 'CoolGuard', sub: 'QUEEN', badge: snowBadge })];
IMAGES['coolguard-k'] = ['sleep', 'CoolGuard King Protector', folded({ x0: 90, x1: 460, color: '#d6e9f8', side: '#a9cbe8', topc: '#e7f2fb', band: '#ffffff', label: 'CoolGuard', sub: 'KING', badge: snowBadge })];
IMAGES['dryshield-q'] = ['sleep', 'DryShield Queen Protector', folded({ color: '#f6f6f8', side: '#d3d6e4', topc: '#ffffff', band: '#e3e6fa', label: 'DryShield', sub: 'QUEEN', badge: dropBadge })];
IMAGES['sheets-percale-q'] = ['sleep', 'Percale Sheet Set (Queen)',
  folded({ y0: 360, h: 90, color: '#ffffff', side: '#d8dcea', topc: '#fbfbff', band: '#eef0fb', label: 'Percale', sub: 'PILLOWCASES', stripes: '#7f89d3' }) +
  folded({ x0: 140, x1: 420, y0: 236, h: 96, color: '#f4f6ff', side: '#cfd5ee', topc: '#ffffff', band: '#ffffff', label: 'Percale', sub: 'QUEEN SHEETS', stripes: '#7f89d3' })];

IMAGES['pillow-cloud'] = ['sleep', 'Cloud Pillow', `${shadow(300, 450, 240, 28)}<g transform="translate(300 305) scale(1.18) translate(-300 -305)">
<defs><linearGradient id="pl" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#dfe3f4"/></linearGradient></defs>
<path d="M108 300 C 96 216 150 196 300 206 C 450 196 504 216 492 300 C 504 384 450 414 300 404 C 150 414 96 384 108 300 Z" fill="url(#pl)" stroke="#c3c9e6" stroke-width="3"/>
<path d="M130 300 C 200 292 400 292 470 300" fill="none" stroke="#d4d9ee" stroke-width="3"/>
<path d="M150 232 C 220 250 380 250 450 232" fill="none" stroke="#ffffff" stroke-width="6" stroke-linecap="round" opacity=".9"/>
<rect x="404" y="356" width="62" height="26" rx="6" fill="#3d4bd6"/>${text(435, 374, 'CLOUD', 12, '#fff', 'font-weight="700" letter-spacing="1.5"')}</g>`];

IMAGES['setup-wg'] = ['sleep', 'White-Glove Setup', `${shadow(300, 470, 150, 20)}
<circle cx="300" cy="290" r="170" fill="#3d4bd6" opacity=".12"/>
<g stroke="#9aa3d8" stroke-width="4" stroke-linejoin="round" fill="#ffffff">
<rect x="226" y="236" width="42" height="120" rx="21" transform="rotate(-38 247 350)"/>
<rect x="248" y="150" width="38" height="150" rx="19"/>
<rect x="292" y="130" width="38" height="170" rx="19"/>
<rect x="336" y="150" width="38" height="150" rx="19"/>
<rect x="380" y="186" width="34" height="124" rx="17"/>
<path d="M240 250 L 414 250 L 414 350 C 414 400 380 420 330 420 L 300 420 C 262 420 240 400 240 360 Z"/>
<rect x="246" y="410" width="166" height="52" rx="10" fill="#eef0fb"/>
</g>
<path d="M270 300 C 300 312 350 312 384 300" fill="none" stroke="#c5cbe8" stroke-width="4" stroke-linecap="round"/>
<path d="M130 170 l 8 20 20 8 -20 8 -8 20 -8 -20 -20 -8 20 -8 z" fill="#f2b84b"/>
<path d="M470 140 l 6 14 14 6 -14 6 -6 14 -6 -14 -14 -6 14 -6 z" fill="#f2b84b"/>`];

IMAGES['align-frame-q'] = ['sleep', 'Frame Alignment Kit (Queen)', `${shadow(300, 470, 220, 22)}
<rect x="90" y="250" width="420" height="64" rx="12" fill="#f2c14e" stroke="#cf9d2b" stroke-width="3"/>
<rect x="250" y="262" width="100" height="40" rx="20" fill="#bfe6a8" stroke="#7fb36a" stroke-width="3"/>
<circle cx="300" cy="282" r="11" fill="#f4fff0"/>
<line x1="272" y1="264" x2="272" y2="300" stroke="#7fb36a" stroke-width="3"/><line x1="328" y1="264" x2="328" y2="300" stroke="#7fb36a" stroke-width="3"/>
<circle cx="130" cy="282" r="12" fill="#fff3cf" stroke="#cf9d2b" stroke-width="3"/><circle cx="470" cy="282" r="12" fill="#fff3cf" stroke="#cf9d2b" stroke-width="3"/>
<g fill="#7a819c" stroke="#5b627d" stroke-width="3" stroke-linejoin="round">
<path d="M120 360 h 90 v 22 h -68 v 68 h -22 z"/>
<rect x="300" y="350" width="26" height="96" rx="5"/>
<rect x="284" y="438" width="58" height="14" rx="7"/>
<path d="M400 370 h 80 v 20 h -60 v 60 h -20 z"/>
</g>
<g fill="#c7ccdb"><circle cx="250" cy="420" r="9"/><circle cx="372" cy="432" r="9"/><circle cx="226" cy="446" r="7"/></g>`];

IMAGES['sleep-coach'] = ['sleep', '30-Night Sleep Coaching', `${shadow(300, 500, 130, 18)}
<rect x="190" y="100" width="220" height="400" rx="34" fill="#22264a"/>
<rect x="204" y="120" width="192" height="360" rx="22" fill="#2f3670"/>
<path d="M320 168 a 36 36 0 1 0 28 58 a 30 30 0 1 1 -28 -58 z" fill="#f7d77a"/>
<circle cx="250" cy="178" r="3" fill="#fff"/><circle cx="270" cy="214" r="2" fill="#fff"/><circle cx="360" cy="160" r="2.5" fill="#fff"/>
${text(300, 286, 'Night 1 of 30', 20, '#ffffff', 'font-weight="700"')}
<rect x="222" y="310" width="140" height="44" rx="14" fill="#ffffff"/>
${text(292, 338, 'How did you sleep?', 13, '#22264a')}
<rect x="262" y="366" width="118" height="40" rx="14" fill="#6d7bf0"/>
${text(321, 391, 'Cooler, thanks', 13, '#ffffff')}
<rect x="222" y="418" width="150" height="40" rx="14" fill="#ffffff"/>
${text(297, 443, 'Tip: 18 °C is ideal', 13, '#22264a')}`];

IMAGES['rush-ship'] = ['sleep', 'Rush Delivery (2 days)', `${shadow(320, 440, 230, 20)}
<g stroke-linecap="round" stroke="#3d4bd6" stroke-width="8" opacity=".5"><line x1="40" y1="250" x2="120" y2="250"/><line x1="60" y1="300" x2="130" y2="300"/><line x1="30" y1="350" x2="120" y2="350"/></g>
<rect x="140" y="200" width="250" height="200" rx="12" fill="#3d4bd6"/>
${text(265, 292, '2-DAY', 46, '#ffffff', 'font-weight="800" letter-spacing="2"')}
${text(265, 330, 'RUSH DELIVERY', 16, '#c9cef7', 'font-weight="600" letter-spacing="3"')}
<path d="M390 250 h 70 l 50 60 v 90 h -120 z" fill="#2a3390"/>
<path d="M408 266 h 44 l 34 44 h -78 z" fill="#cfe1f7"/>
<rect x="140" y="386" width="370" height="20" rx="6" fill="#22264a"/>
<circle cx="210" cy="410" r="32" fill="#22264a"/><circle cx="210" cy="410" r="13" fill="#cfd3e6"/>
<circle cx="440" cy="410" r="32" fill="#22264a"/><circle cx="440" cy="410" r="13" fill="#cfd3e6"/>`];

// ---- camera ------------------------------------------------------------------------------
function camera({ body, top, model, refurbished = false }) {
  let s = shadow(300, 452, 220, 24);
  s += `<defs><radialGradient id="glass" cx=".38" cy=".35" r=".8"><stop offset="0" stop-color="#7b8ed8"/><stop offset=".45" stop-color="#2b2f6a"/><stop offset="1" stop-color="#0b0c1a"/></radialGradient></defs>`;
  // viewfinder hump
  s += `<path d="M236 212 L 256 150 H 344 L 364 212 Z" fill="${top}"/>`;
  s += `<rect x="268" y="160" width="64" height="14" rx="4" fill="#111216" opacity=".55"/>`;
  // body
  s += `<rect x="96" y="206" width="408" height="224" rx="30" fill="${body}"/>`;
  s += `<rect x="96" y="206" width="408" height="44" rx="22" fill="${top}"/>`;
  s += `<rect x="96" y="230" width="408" height="20" fill="${top}"/>`;
  // grip (viewer's left)
  s += `<rect x="96" y="236" width="88" height="194" rx="28" fill="#16171a"/>`;
  for (let y = 262; y < 410; y += 14) s += `<line x1="112" y1="${y}" x2="168" y2="${y}" stroke="#2a2c31" stroke-width="4" stroke-linecap="round"/>`;
  // buttons
  s += `<rect x="120" y="188" width="44" height="20" rx="6" fill="#4a4d55"/><ellipse cx="142" cy="188" rx="22" ry="7" fill="#8b8f99"/>`;
  s += `<rect x="400" y="190" width="60" height="18" rx="6" fill="#4a4d55"/>`;
  s += `<circle cx="210" cy="266" r="7" fill="#e2483c"/>`;
  // mount and lens
  s += `<circle cx="316" cy="330" r="104" fill="#c9ccd3"/>`;
  s += `<circle cx="316" cy="330" r="94" fill="#1a1b1f"/>`;
  s += `<circle cx="316" cy="330" r="84" fill="none" stroke="#34363c" stroke-width="6" stroke-dasharray="4 6"/>`;
  s += `<circle cx="316" cy="330" r="70" fill="#0d0e12"/>`;
  s += `<circle cx="316" cy="330" r="58" fill="url(#glass)"/>`;
  s += `<ellipse cx="296" cy="306" rx="20" ry="12" fill="#ffffff" opacity=".35" transform="rotate(-30 296 306)"/>`;
  s += `<circle cx="338" cy="352" r="6" fill="#ffffff" opacity=".2"/>`;
  // wordmark
  s += text(300, 197, 'LUMA', 15, '#e8e9ee', 'font-weight="800" letter-spacing="3"');
  s += text(460, 276, model, 18, '#c7cad2', 'font-weight="700" letter-spacing="1"');
  if (refurbished) {
    s += `<g transform="rotate(-8 450 130)"><rect x="362" y="104" width="190" height="50" rx="10" fill="#2f8f5b"/>`;
    s += text(457, 127, 'CERTIFIED', 13, '#e9fff2', 'font-weight="800" letter-spacing="2"');
    s += text(457, 145, 'REFURBISHED', 13, '#e9fff2', 'font-weight="800" letter-spacing="2"') + '</g>';
  }
  return s;
}
IMAGES['luma-z6'] = ['camera', 'Luma Z6 Mirrorless Camera', camera({ body: '#26272c', top: '#34363c', model: 'Z6' })];
IMAGES['luma-z5-r'] = ['camera', 'Luma Z5 Camera (Refurbished)', camera({ body: '#2d2f35', top: '#b9bcc4', model: 'Z5', refurbished: true })];

IMAGES['lens-35'] = ['camera', 'Luma 35mm f/1.8 Lens', `${shadow(300, 470, 150, 22)}
<defs><radialGradient id="glass" cx=".4" cy=".4" r=".8"><stop offset="0" stop-color="#8aa0e8"/><stop offset=".5" stop-color="#2b2f6a"/><stop offset="1" stop-color="#0b0c1a"/></radialGradient></defs>
<rect x="190" y="190" width="220" height="250" fill="#222328"/>
<ellipse cx="300" cy="440" rx="110" ry="32" fill="#222328"/>
<rect x="190" y="396" width="220" height="44" fill="#c9ccd3"/>
<ellipse cx="300" cy="440" rx="110" ry="32" fill="#aeb2bb"/>
<rect x="190" y="396" width="220" height="4" fill="#8f939c"/>
<g stroke="#3a3c43" stroke-width="6">${Array.from({ length: 13 }, (_, i) => `<line x1="${200 + i * 16.5}" y1="236" x2="${200 + i * 16.5}" y2="300"/>`).join('')}</g>
${text(300, 344, '35mm 1:1.8', 20, '#e8e9ee', 'font-weight="700" letter-spacing="1"')}
${text(300, 372, 'LUMA Z', 12, '#9fa3ad', 'letter-spacing="4"')}
<ellipse cx="300" cy="190" rx="110" ry="32" fill="#2e3036"/>
<ellipse cx="300" cy="190" rx="92" ry="25" fill="#111216"/>
<ellipse cx="300" cy="190" rx="70" ry="18" fill="url(#glass)"/>
<ellipse cx="282" cy="184" rx="18" ry="5" fill="#fff" opacity=".35"/>
<circle cx="386" cy="220" r="5" fill="#e2483c"/>`];

function sdcard(color, cap) {
  return `${shadow(300, 470, 150, 20)}
<g transform="rotate(-8 300 300)">
<path d="M190 140 H 380 L 420 180 V 450 a 14 14 0 0 1 -14 14 H 194 a 14 14 0 0 1 -14 -14 V 150 a 10 10 0 0 1 10 -10 Z" fill="${color}"/>
<g fill="#e6c46a">${Array.from({ length: 8 }, (_, i) => `<rect x="${200 + i * 24}" y="150" width="14" height="44" rx="3"/>`).join('')}</g>
<rect x="180" y="236" width="240" height="120" fill="#ffffff" fill-opacity=".12"/>
${text(300, 230, 'ProSD', 22, '#ffffff', 'font-weight="800" letter-spacing="1" font-style="italic"')}
${text(300, 322, cap, 64, '#ffffff', 'font-weight="800"')}
${text(300, 348, 'GB', 18, '#ffffff', 'font-weight="700" letter-spacing="6"')}
<rect x="206" y="392" width="62" height="34" rx="6" fill="none" stroke="#ffffff" stroke-width="3"/>
${text(237, 416, 'V90', 17, '#ffffff', 'font-weight="800"')}
${text(350, 417, 'UHS-II', 20, '#ffffff', 'font-weight="800"')}
<rect x="176" y="200" width="6" height="40" rx="2" fill="#d9dbe1"/>
</g>`;
}
IMAGES['sdx-128'] = ['camera', 'ProSD 128 GB Card', sdcard('#1f4e9a', '128')];
IMAGES['sdx-256'] = ['camera', 'ProSD 256 GB Card', sdcard('#a3262f', '256')];

IMAGES['batt-en'] = ['camera', 'EN-Z Spare Battery', `${shadow(300, 460, 170, 22)}
<polygon points="170,230 400,230 450,190 220,190" fill="#4a4d55"/>
<polygon points="400,230 450,190 450,400 400,440" fill="#1b1c20"/>
<rect x="170" y="230" width="230" height="210" fill="#2a2c31"/>
<g fill="#e6c46a"><polygon points="280,222 300,222 314,210 294,210"/><polygon points="316,222 336,222 350,210 330,210"/></g>
<rect x="190" y="262" width="190" height="110" rx="8" fill="#3a3d44"/>
${text(285, 318, 'EN-Z', 40, '#ffffff', 'font-weight="800" letter-spacing="2"')}
${text(285, 350, '7.2V · 2280mAh', 14, '#b9bcc4', 'letter-spacing="1"')}
<path d="M300 392 l -16 26 h 14 l -8 22 22 -30 h -14 l 8 -18 z" fill="#f2c14e"/>`];

IMAGES['bag-sling'] = ['camera', 'Sling Camera Bag', `${shadow(300, 470, 190, 22)}
<path d="M150 300 C 160 140 460 90 480 190" fill="none" stroke="#3b3f36" stroke-width="26" stroke-linecap="round"/>
<path d="M150 300 C 160 140 460 90 480 190" fill="none" stroke="#565b4e" stroke-width="6" stroke-dasharray="2 12" stroke-linecap="round"/>
<path d="M120 280 C 120 240 150 220 190 220 H 420 C 470 220 500 250 500 300 V 400 C 500 440 470 460 430 460 H 190 C 150 460 120 440 120 400 Z" fill="#5f6a4e"/>
<path d="M120 300 H 500" stroke="#4a533c" stroke-width="4"/>
<path d="M130 300 C 130 250 160 236 200 236 H 420 C 460 236 490 256 490 300" fill="none" stroke="#d9d2bf" stroke-width="3" stroke-dasharray="6 5"/>
<rect x="470" y="286" width="16" height="34" rx="5" fill="#c9ccd3"/>
<path d="M160 340 H 460 V 410 C 460 430 446 440 426 440 H 194 C 174 440 160 430 160 410 Z" fill="#56603f"/>
<rect x="262" y="366" width="96" height="34" rx="6" fill="#e8e0cc"/>
${text(310, 389, 'LUMA', 15, '#3b3f36', 'font-weight="800" letter-spacing="3"')}`];

IMAGES['clean-kit'] = ['camera', 'Sensor Cleaning Kit', `${shadow(300, 470, 200, 22)}
<circle cx="210" cy="360" r="92" fill="#d9483b"/>
<ellipse cx="184" cy="326" rx="26" ry="16" fill="#fff" opacity=".3" transform="rotate(-35 184 326)"/>
<rect x="196" y="200" width="28" height="80" rx="8" fill="#2a2c31"/>
<rect x="204" y="140" width="12" height="66" rx="5" fill="#2a2c31"/>
<g transform="rotate(12 380 300)">
<rect x="340" y="150" width="12" height="250" rx="4" fill="#e9ecf3" stroke="#b9bfce" stroke-width="2"/>
<rect x="328" y="130" width="36" height="30" rx="4" fill="#8fc4e8"/>
<rect x="384" y="150" width="12" height="250" rx="4" fill="#e9ecf3" stroke="#b9bfce" stroke-width="2"/>
<rect x="372" y="130" width="36" height="30" rx="4" fill="#8fc4e8"/>
</g>
<rect x="420" y="300" width="70" height="140" rx="12" fill="#f4f5f8" stroke="#c4c8d3" stroke-width="3"/>
<rect x="436" y="270" width="38" height="34" rx="6" fill="#2a2c31"/>
<rect x="426" y="340" width="58" height="50" rx="4" fill="#2f7fd1"/>
${text(455, 370, 'CLEAN', 11, '#fff', 'font-weight="800" letter-spacing="1"')}`];

IMAGES['care-plan'] = ['camera', '2-Year Camera Care Plan', `${shadow(300, 480, 140, 20)}
<circle cx="300" cy="290" r="180" fill="#2f8f5b" opacity=".1"/>
<path d="M300 110 L 440 160 V 290 C 440 380 380 440 300 470 C 220 440 160 380 160 290 V 160 Z" fill="#2f8f5b"/>
<path d="M300 138 L 414 178 V 290 C 414 366 364 416 300 442 Z" fill="#ffffff" opacity=".12"/>
<polyline points="236,292 284,340 370,244" fill="none" stroke="#ffffff" stroke-width="26" stroke-linecap="round" stroke-linejoin="round"/>
<rect x="228" y="380" width="144" height="40" rx="20" fill="#ffffff"/>
${text(300, 407, '2-YEAR CARE', 16, '#2f8f5b', 'font-weight="800" letter-spacing="1.5"')}`];

for (const [name, [store, title, body]] of Object.entries(IMAGES)) {
  writeFileSync(`${out}/${name}.svg`, svg(store, title, body));
}

// Site art: favicon / logo mark and the two store banners.
writeFileSync(`${out}/favicon.svg`, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1d2140"/><circle cx="25" cy="32" r="11" fill="#8d98f2"/><circle cx="39" cy="32" r="11" fill="#f2b84b" fill-opacity=".9"/></svg>
`);
console.log(`wrote ${Object.keys(IMAGES).length} product images to ${out}`);
