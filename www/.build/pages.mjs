// Writes the static HTML pages of the demo storefront (www/*.html, www/sleep/, www/camera/,
// www/products/*.html) from the shop's catalog, www/js/catalog.js:
//
//   node www/.build/pages.mjs
//
// Run it after changing the catalog (scripts/demo.sh checks that the catalog matches the demo
// pack). The pages are plain static files; the server only fills in {{XSELL_KEYS}}. This
// directory starts with a dot, so scripts/serve.mjs never serves it.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const { PRODUCTS, CATALOG, STORES, money } = await import('../js/catalog.js');

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const XSELL_TAG = '<script type="module" src="/xsell/xsell.js" data-pack="/xsell/pack.json" data-keys="{{XSELL_KEYS}}" data-endpoint="/events"></script>';

const ICON_CART = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3 4h2.2l2.1 10.2a1.6 1.6 0 0 0 1.6 1.3h8.4a1.6 1.6 0 0 0 1.6-1.2L21 8H6.2"/><circle cx="9.5" cy="19.5" r="1.3"/><circle cx="17.5" cy="19.5" r="1.3"/></svg>';
const LOGO = '<svg class="logo-mark" viewBox="0 0 64 64" aria-hidden="true"><rect width="64" height="64" rx="16" fill="#1d2140"/><circle cx="25" cy="32" r="11" fill="#8d98f2"/><circle cx="39" cy="32" r="11" fill="#f2b84b" fill-opacity=".9"/></svg>';
const ICONS = {
  truck: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3 6h11v10H3zM14 9h4l3 3v4h-7"/><circle cx="7" cy="17.5" r="1.8"/><circle cx="17" cy="17.5" r="1.8"/></svg>',
  moon: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z"/></svg>',
  shield: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6z"/><path d="M8.5 12l2.5 2.5 4.5-5"/></svg>',
  return: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M9 14L4 9l5-5"/><path d="M4 9h10a6 6 0 0 1 0 12h-3"/></svg>',
  tick: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>',
};

function page({ title, description, store = '', pageKind, sku = '', main, navCurrent = store }) {
  const nav = Object.values(STORES).map((s) =>
    `<a href="${s.href}"${navCurrent === s.id ? ' aria-current="true"' : ''}>${esc(s.short)}</a>`).join('\n        ');
  const attrs = [`data-page="${pageKind}"`];
  if (store) attrs.push(`data-store="${store}"`);
  if (sku) attrs.push(`data-sku="${sku}"`);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)}</title>
  <meta name="description" content="${esc(description)}">
  <link rel="icon" href="/img/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/css/shop.css">
  <!-- The shop's own script runs first: it queues cart, answers, consent and purchase context
       for xsell (window.xsell) before the xsell script at the end of the body loads. -->
  <link rel="modulepreload" href="/js/catalog.js">
  <script type="module" src="/js/shop.js" blocking="render"></script>
</head>
<body ${attrs.join(' ')}>
  <a class="skip" href="#main">Skip to content</a>
  <div class="topbar">A demo storefront for <strong>xsell</strong> · nothing here is for sale</div>
  <header class="site-header">
    <div class="wrap header-inner">
      <a class="logo" href="/">${LOGO}<span>Drift &amp; Luma</span><small>demo</small></a>
      <nav class="main-nav" aria-label="Stores">
        ${nav}
      </nav>
      <span class="header-spacer"></span>
      <a class="cart-link" href="/cart.html">${ICON_CART}<span class="cart-word">Cart</span><span class="cart-count is-empty" data-cart-count>0</span></a>
    </div>
  </header>
${main}
  <footer class="site-footer">
    <div class="wrap footer-inner">
      <div>
        <h2>Drift &amp; Luma</h2>
        <p>Two small demo shops that show how the xsell script picks one useful add-on per page, and says why.</p>
      </div>
      <div>
        <h2>Sleep</h2>
        <ul>
          <li><a href="/products/aurora-q.html">Aurora Queen</a></li>
          <li><a href="/products/nimbus-q.html">Nimbus Hybrid</a></li>
          <li><a href="/sleep/">All sleep</a></li>
        </ul>
      </div>
      <div>
        <h2>Camera</h2>
        <ul>
          <li><a href="/products/luma-z6.html">Luma Z6</a></li>
          <li><a href="/products/lens-35.html">35mm f/1.8</a></li>
          <li><a href="/camera/">All camera</a></li>
        </ul>
      </div>
      <div>
        <h2>Your visit</h2>
        <ul>
          <li><a href="/cart.html">Cart</a></li>
          <li><a href="/checkout.html">Checkout</a></li>
          <li><button type="button" class="link-btn" data-consent-open>Privacy settings</button></li>
        </ul>
      </div>
    </div>
    <div class="wrap footer-base">
      <span>Demo data. No payments, no accounts, no tracking beyond this machine.</span>
      <span>Add <code>?xsell-debug</code> to any page to see why an offer was chosen.</span>
    </div>
  </footer>

  <section class="consent" data-consent-banner role="dialog" aria-labelledby="consent-title" aria-describedby="consent-text" hidden>
    <h2 id="consent-title">Your privacy choices</h2>
    <p id="consent-text">We keep your cart on this device. With your permission we also tailor suggestions to what you tell us (like how you sleep), remember which ones you have seen so we don't repeat them, and measure which ones help.</p>
    <p class="gpc" data-gpc-note hidden>Your browser sends Global Privacy Control: we will not personalize or measure, whatever you choose here.</p>
    <p class="current" data-consent-current hidden></p>
    <div class="actions">
      <button type="button" class="btn btn-ghost" data-consent="necessary">Necessary only</button>
      <button type="button" class="btn btn-primary" data-consent="all">Accept all</button>
    </div>
  </section>
  <div class="toasts" data-toasts aria-live="polite"></div>

  ${XSELL_TAG}
</body>
</html>
`;
}

function stars(r) {
  const full = Math.round(r);
  return '★'.repeat(full) + '☆'.repeat(5 - full);
}
function stockLine(p) {
  if (p.stock === undefined) return '<p class="stock">Available · scheduled after checkout</p>';
  if (p.stock <= 0) return '<p class="stock out">Out of stock · back soon</p>';
  if (p.stock <= 6) return `<p class="stock low">Only ${p.stock} left · ships in 1–2 days</p>`;
  return '<p class="stock">In stock · ships in 1–2 days</p>';
}
function stockBadge(p) {
  if (p.stock === undefined) return '';
  if (p.stock <= 0) return '<span class="badge out">Out of stock</span>';
  if (p.stock <= 6) return `<span class="badge low">Only ${p.stock} left</span>`;
  return '';
}

function tile(p) {
  const out = p.stock !== undefined && p.stock <= 0;
  return `<article class="tile">
          <a href="${p.url}"><img src="${p.image}" alt="" width="600" height="600" loading="lazy"></a>
          <div class="tile-body">
            <span class="tile-kind">${esc(p.kind)}</span>
            <h3><a href="${p.url}">${esc(p.name)}</a></h3>
            ${stockBadge(p)}
            <div class="tile-foot">
              <span class="price">${money(p.price)}</span>
              <button type="button" class="btn btn-ghost" data-add-to-cart="${p.sku}"${out ? ' disabled' : ''}>${out ? 'Sold out' : 'Add'}</button>
            </div>
          </div>
        </article>`;
}

const ASK = {
  sleep: `<section class="ask" aria-labelledby="ask-title" data-ask>
          <div class="ask-head"><h2 class="ask-title" id="ask-title">Tell us how you sleep</h2><span class="ask-opt">Optional · 2 taps</span></div>
          <fieldset class="choice">
            <legend>Do you usually sleep hot or cold?</legend>
            <label><input type="radio" name="sleep_temperature" value="hot">I sleep hot</label>
            <label><input type="radio" name="sleep_temperature" value="neutral">Just right</label>
            <label><input type="radio" name="sleep_temperature" value="cold">I sleep cold</label>
          </fieldset>
          <fieldset class="choice">
            <legend>Keeping your current bed frame?</legend>
            <label><input type="radio" name="has_bed_frame" value="true">Yes, keeping it</label>
            <label><input type="radio" name="has_bed_frame" value="false">No, new frame</label>
          </fieldset>
          <p class="ask-note">Used only to suggest the right extras during this visit, and only if you allow personalization.</p>
        </section>`,
  camera: `<section class="ask" aria-labelledby="ask-title" data-ask>
          <div class="ask-head"><h2 class="ask-title" id="ask-title">What will you shoot most?</h2><span class="ask-opt">Optional · 1 tap</span></div>
          <fieldset class="choice">
            <legend class="visually-hidden">What will you shoot most?</legend>
            <label><input type="radio" name="shooting" value="travel">Travel</label>
            <label><input type="radio" name="shooting" value="portrait">Portraits</label>
            <label><input type="radio" name="shooting" value="sports">Sports</label>
            <label><input type="radio" name="shooting" value="family">Family</label>
          </fieldset>
          <p class="ask-note">Used only to suggest the right extras during this visit, and only if you allow personalization.</p>
        </section>`,
};

const PERKS = {
  sleep: '<div><strong>Free delivery</strong>In a box, to your door</div><div><strong>100 nights</strong>Sleep on it, free returns</div><div><strong>10 years</strong>Full warranty</div>',
  camera: '<div><strong>Free shipping</strong>Insured, next business day</div><div><strong>30 days</strong>Free returns</div><div><strong>Genuine</strong>Official Luma warranty</div>',
};
const PROMISE = {
  sleep: [['truck', 'Free, contactless delivery', 'Compressed in a box and delivered to your door in 3–5 days. Add white-glove setup at checkout.'],
    ['moon', '100-night trial', 'Sleep on it for 100 nights. If it is not right, we collect it and refund you.'],
    ['shield', '10-year warranty', 'Covers sagging and defects, as long as the mattress is kept clean and supported.']],
  camera: [['truck', 'Free insured shipping', 'Ships the next business day, signature on delivery.'],
    ['return', '30-day returns', 'Changed your mind? Send it back in its box within 30 days.'],
    ['shield', 'Official warranty', 'Every Luma body and lens carries the full manufacturer warranty.']],
};

function productPage(p) {
  const store = STORES[p.store];
  const out = p.stock !== undefined && p.stock <= 0;
  const more = PRODUCTS.filter((q) => q.store === p.store && q.sku !== p.sku).slice(0, 4);
  const main = `  <main id="main" class="wrap">
    <nav class="crumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="${store.href}">${esc(store.name)}</a></li><li aria-current="page">${esc(p.name)}</li></ol></nav>
    <div class="pdp">
      <div class="gallery">
        <img src="${p.image}" alt="${esc(p.name)}" width="600" height="600">
      </div>
      <div class="info">
        <p class="kind">${esc(p.kind)}</p>
        <h1>${esc(p.name)}</h1>
        <div class="rating"><span class="stars" aria-hidden="true">${stars(p.rating)}</span><span>${p.rating.toFixed(1)} · ${p.reviews.toLocaleString('en-US')} reviews</span></div>
        <div class="price-row"><span class="price">${money(p.price)}</span><span class="price-note">${p.store === 'sleep' && p.category === 'mattress' ? 'or 12 × ' + money(Math.ceil(p.price / 12)) + ' / month' : 'Free shipping'}</span></div>
        <p class="blurb">${esc(p.blurb)}</p>
        <ul class="bullets">${p.bullets.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>
        ${p.ask ? ASK[p.ask] : ''}
        <div class="buy">
          <div class="qty"><button type="button" data-qty-step="-1" aria-label="One fewer">−</button><input type="number" value="1" min="1" max="9" inputmode="numeric" aria-label="Quantity" data-qty><button type="button" data-qty-step="1" aria-label="One more">+</button></div>
          <button type="button" class="btn btn-accent btn-lg" data-add-to-cart="${p.sku}"${out ? ' disabled' : ''}>${out ? 'Out of stock' : 'Add to cart'}</button>
        </div>
        ${stockLine(p)}
        <div class="perks">${PERKS[p.store]}</div>
        <div data-xsell-slot="product" data-product="${p.sku}" data-category="${p.category}"></div>
      </div>
    </div>
    <section class="details" aria-label="Details">
      <div>
        <h2>Specifications</h2>
        <table class="specs"><tbody>
          ${p.specs.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n          ')}
          <tr><th scope="row">SKU</th><td>${p.sku}</td></tr>
        </tbody></table>
      </div>
      <div>
        <h2>Delivery &amp; returns</h2>
        <div class="promise">
          ${PROMISE[p.store].map(([i, t, d]) => `<div>${ICONS[i]}<p><strong>${esc(t)}</strong>${esc(d)}</p></div>`).join('\n          ')}
        </div>
      </div>
    </section>
    <section class="more" aria-labelledby="more-title">
      <h2 class="section-title" id="more-title">More from ${esc(store.name)}</h2>
      <div class="grid">
        ${more.map(tile).join('\n        ')}
      </div>
    </section>
  </main>`;
  return page({ title: `${p.name} · ${store.name}`, description: p.blurb, store: p.store, pageKind: 'product', sku: p.sku, main });
}

function storePage(id) {
  const s = STORES[id];
  const items = PRODUCTS.filter((p) => p.store === id);
  const featured = items.filter((p) => p.featured);
  const rest = items.filter((p) => !p.featured);
  const main = `  <main id="main" class="wrap">
    <section class="store-hero">
      <p class="eyebrow">${esc(s.name)}</p>
      <h1>${id === 'sleep' ? 'Sleep cooler, wake up better.' : 'Everything you need to keep shooting.'}</h1>
      <p>${esc(s.tagline)}</p>
    </section>
    <h2 class="section-title">${id === 'sleep' ? 'Mattresses' : 'Cameras and lenses'}</h2>
    <div class="grid">
      ${featured.map(tile).join('\n      ')}
    </div>
    <h2 class="section-title">${id === 'sleep' ? 'Bedding, protection and services' : 'Cards, power, bags and care'}</h2>
    <div class="grid">
      ${rest.map(tile).join('\n      ')}
    </div>
    <div class="more"></div>
  </main>`;
  return page({ title: `${s.name} · Drift & Luma`, description: s.tagline, store: id, pageKind: 'store', main });
}

function homePage() {
  const main = `  <main id="main" class="wrap">
    <section class="hero">
      <p class="eyebrow">xsell demo storefront</p>
      <h1>Two small shops. One script that suggests the right add-on, and says why.</h1>
      <p class="lede">Browse a mattress or a camera, add it to your cart and check out. On product, cart, checkout and thank-you pages, xsell picks at most one offer from the shop's signed rule pack, right here in your browser.</p>
    </section>
    <section class="stores" aria-label="Stores">
      <a class="store-card sleep" href="/sleep/">
        <div class="store-copy">
          <span class="store-kicker">The sleep store</span>
          <h2>${esc(STORES.sleep.name)}</h2>
          <p>${esc(STORES.sleep.tagline)}</p>
          <span class="go">Shop mattresses →</span>
        </div>
        <img src="/img/aurora-q.svg" alt="" width="600" height="600">
      </a>
      <a class="store-card camera" href="/camera/">
        <div class="store-copy">
          <span class="store-kicker">The camera store</span>
          <h2>${esc(STORES.camera.name)}</h2>
          <p>${esc(STORES.camera.tagline)}</p>
          <span class="go">Shop cameras →</span>
        </div>
        <img src="/img/luma-z6.svg" alt="" width="600" height="600">
      </a>
    </section>
    <section class="tour" aria-labelledby="tour-title">
      <h2 id="tour-title">A two-minute tour</h2>
      <p>Accept the privacy choices to see personal suggestions, or choose "Necessary only" to see what xsell offers from the page and cart alone.</p>
      <ol class="steps">
        <li><strong>Open a product</strong>On the <a href="/products/aurora-q.html">Aurora Queen</a>, xsell suggests white-glove setup first. Spend a while on the page and the Sleep Preservation Set bundles qualify.</li>
        <li><strong>Tell us something</strong>Say you sleep hot, allow personalization and add the mattress. In the <a href="/cart.html">cart</a>, xsell suggests a cooling protector and its reason cites your answer.</li>
        <li><strong>Check out</strong>At <a href="/checkout.html">checkout</a> you get a friction remover, like rush delivery, never a big bundle.</li>
        <li><strong>See why</strong>Add <code>?xsell-debug</code> to any page, like <a href="/products/luma-z6.html?xsell-debug">the Luma Z6</a>, to see every offer that lost, and why.</li>
      </ol>
    </section>
    <section aria-labelledby="pop-title" class="more">
      <h2 class="section-title" id="pop-title">Popular right now</h2>
      <div class="grid">
        ${['AURORA-Q', 'NIMBUS-Q', 'LUMA-Z6', 'LENS-35'].map((s) => tile(CATALOG[s])).join('\n        ')}
      </div>
    </section>
  </main>`;
  return page({ title: 'Drift & Luma · xsell demo storefront', description: 'A demo storefront for xsell: a sleep store and a camera store.', pageKind: 'home', main });
}

function cartPage() {
  const main = `  <main id="main" class="wrap">
    <h1 class="page-title">Your cart</h1>
    <div class="two-col">
      <section aria-label="Items in your cart">
        <ul class="lines" data-cart-lines hidden></ul>
        <div class="empty" data-cart-empty>
          <p>Your cart is empty.</p>
          <div class="actions"><a class="btn btn-primary" href="/sleep/">Shop sleep</a><a class="btn btn-ghost" href="/camera/">Shop cameras</a></div>
        </div>
      </section>
      <aside class="side" aria-label="Order summary">
        <div class="card">
          <h2>Order summary</h2>
          <dl class="totals">
            <div><dt>Subtotal</dt><dd data-subtotal>$0.00</dd></div>
            <div class="savings"><dt>Bundle savings</dt><dd data-savings>—</dd></div>
            <div><dt>Delivery</dt><dd>Free</dd></div>
            <div class="total"><dt>Total</dt><dd data-total>$0.00</dd></div>
          </dl>
          <a class="btn btn-primary btn-lg btn-block" href="/checkout.html" data-checkout-link>Check out</a>
          <p class="fine">Secure checkout · free returns · this is a demo, no payment is taken.</p>
        </div>
        <div data-xsell-slot="cart"></div>
      </aside>
    </div>
  </main>`;
  return page({ title: 'Your cart · Drift & Luma', description: 'Your cart.', pageKind: 'cart', main, navCurrent: '' });
}

function checkoutPage() {
  const main = `  <main id="main" class="wrap">
    <h1 class="page-title">Checkout</h1>
    <div class="two-col">
      <form class="form" id="checkout-form" data-checkout-form autocomplete="on">
        <fieldset>
          <legend>Contact</legend>
          <label class="field full"><span>Email</span><input type="email" name="email" autocomplete="email" value="maya@example.com" required></label>
        </fieldset>
        <fieldset>
          <legend>Delivery address</legend>
          <label class="field"><span>First name</span><input name="first" autocomplete="given-name" value="Maya" required></label>
          <label class="field"><span>Last name</span><input name="last" autocomplete="family-name" value="Chen" required></label>
          <label class="field full"><span>Address</span><input name="address" autocomplete="street-address" value="12 Harbor Street" required></label>
          <label class="field"><span>City</span><input name="city" autocomplete="address-level2" value="Portland" required></label>
          <label class="field"><span>ZIP code</span><input name="zip" autocomplete="postal-code" value="97201" required></label>
          <label class="field full"><span>Country</span><select name="country" autocomplete="country"><option value="US" selected>United States</option><option value="CA">Canada</option></select></label>
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          <label class="field full"><span>Card number</span><input name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" required></label>
          <label class="field"><span>Expiry</span><input name="exp" autocomplete="off" value="12 / 29" required></label>
          <label class="field"><span>CVC</span><input name="cvc" inputmode="numeric" autocomplete="off" value="123" required></label>
          <p class="demo-note">Demo checkout: the fields are prefilled and nothing is charged or sent anywhere.</p>
        </fieldset>
      </form>
      <aside class="side" aria-label="Order summary">
        <div class="card">
          <h2>Order summary</h2>
          <ul class="mini-lines" data-mini-lines></ul>
          <p class="fine" data-checkout-empty hidden>Your cart is empty. <a href="/">Keep shopping</a>.</p>
          <dl class="totals">
            <div><dt>Subtotal</dt><dd data-subtotal>$0.00</dd></div>
            <div class="savings"><dt>Bundle savings</dt><dd data-savings>—</dd></div>
            <div><dt>Delivery</dt><dd data-delivery>Free · 3–5 days</dd></div>
            <div class="total"><dt>Total</dt><dd data-total>$0.00</dd></div>
          </dl>
          <button type="submit" form="checkout-form" class="btn btn-accent btn-lg btn-block" data-place-order>Place order</button>
          <p class="fine">By placing this demo order you agree to nothing at all.</p>
        </div>
        <div data-xsell-slot="checkout"></div>
      </aside>
    </div>
  </main>`;
  return page({ title: 'Checkout · Drift & Luma', description: 'Checkout.', pageKind: 'checkout', main, navCurrent: '' });
}

function thankYouPage() {
  const main = `  <main id="main" class="wrap">
    <section class="confirm">
      <div class="tick">${ICONS.tick}</div>
      <h1 data-thanks-title>Thank you for your order</h1>
      <p data-thanks-text>Your order is confirmed. We have sent the details to your email.</p>
    </section>
    <div class="two-col">
      <div class="post">
        <section class="card" aria-labelledby="order-title" data-order>
          <h2 id="order-title">Order <span data-order-id></span></h2>
          <ul class="mini-lines" data-mini-lines></ul>
          <dl class="totals">
            <div><dt>Subtotal</dt><dd data-subtotal>$0.00</dd></div>
            <div class="savings"><dt>Bundle savings</dt><dd data-savings>—</dd></div>
            <div class="total"><dt>Total paid</dt><dd data-total>$0.00</dd></div>
          </dl>
        </section>
        <section class="card" aria-labelledby="next-title">
          <h2 id="next-title">What happens next</h2>
          <ol class="next-steps">
            <li><strong>Today</strong>We pack your order and email you tracking.</li>
            <li><strong>In 1–5 days</strong>It arrives; services are scheduled with you by phone.</li>
            <li><strong>First weeks</strong>We check in to make sure everything is right.</li>
          </ol>
        </section>
        <p><a class="btn btn-ghost" href="/">Continue shopping</a></p>
      </div>
      <aside class="side" aria-label="For your new order">
        <div data-xsell-slot="post_purchase"></div>
      </aside>
    </div>
  </main>`;
  return page({ title: 'Thank you · Drift & Luma', description: 'Order confirmation.', pageKind: 'thank-you', main, navCurrent: '' });
}

const files = {
  'index.html': homePage(),
  'sleep/index.html': storePage('sleep'),
  'camera/index.html': storePage('camera'),
  'cart.html': cartPage(),
  'checkout.html': checkoutPage(),
  'thank-you.html': thankYouPage(),
};
for (const p of PRODUCTS) files[p.url.replace(/^\//, '')] = productPage(p);
for (const [rel, html] of Object.entries(files)) {
  const path = `${ROOT}/${rel}`;
  mkdirSync(path.replace(/\/[^/]*$/, ''), { recursive: true });
  writeFileSync(path, html);
}
console.log(`wrote ${Object.keys(files).length} pages`);
