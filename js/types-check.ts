// Compile-only check of js/xsell.d.ts (`tsc -p js/tsconfig.json`): uses the public API and every
// exported type the way a storefront would. Nothing here runs.
import type {
  AcceptDetail, Answers, EdgeAcceptDetail, EdgeEventDetail, BundleView, CartItem, ConfigCommandValue, Consent, ConsentSource, Customer,
  Decision, Device, DismissDetail, EffectiveConsent, ErrorCode, ErrorDetail, Failure, ItemView,
  Labels, Lifecycle, LoadedPack, Money, Motivation, OfferEventDetail, OfferKind, OfferShownDetail,
  OfferView, Outcome, Placement, Purchase, ReadyResult, Reason, Signals, SignalsPatch, SlotState,
  Stage, Tier, TierView, TraceEntry, XsellApi, XsellCommand, XsellCommandName, XsellEventMap,
} from './xsell.js';

// The queue, filled before the script loads (the documented snippet, unchanged).
(window.xsell = window.xsell || []).push(['cart', [{ sku: 'AURORA-Q', qty: 1 }, 'PILLOW-CLOUD']]);

const cart: CartItem[] = [{ sku: 'AURORA-Q' }];
const customer: Customer = { segment: 'vip', tenure_days: 400, first_purchase: false, order_count: 3, category_mix: ['mattress'] };
const answers: Answers = { sleep_temperature: 'hot', has_bed_frame: true, sleepers: 2 };
const motivation: Motivation = 'reduce_risk';
const consent: Consent = { storage: true, personalization: false };
const purchase: Purchase = { skus: ['AURORA-Q'], at: 1795411800 };
const lifecycle: Lifecycle = { days_to_renewal: 20, usage_count: 12 };
const patch: SignalsPatch = { lifecycle, stock: { 'COOLGUARD-Q': 3 } };
const labels: Labels = { no: 'Nein danke', added: 'Hinzugefügt:', save: 'Spare', label: 'Zubehör' };
const config: ConfigCommandValue = { pack: '/pack.json', keys: 'ed25519:AAAA', endpoint: '/events' };

const commands: XsellCommand[] = [
  ['config', config],
  ['cart', cart],
  ['cart', { items: ['SDX-128'] }],
  ['customer', customer],
  ['answers', answers],
  ['motivation', motivation],
  ['consent', consent],
  ['purchase', purchase],
  ['page', { product: 'AURORA-Q', category: 'mattress' }],
  ['context', { country: 'US' }],
  ['signals', patch],
  ['labels', labels],
];
const names: XsellCommandName[] = commands.map((c) => c[0]);

// After load: the API.
async function afterLoad(api: XsellApi): Promise<void> {
  const n: number = api.push(...commands);
  const r: ReadyResult = await api.ready;
  if (r.ok) {
    const loaded: LoadedPack = r;
    console.log(loaded.packId, loaded.version, loaded.keyId, loaded.highWater);
  } else {
    const f: Failure = r;
    const code: ErrorCode = f.code;
    console.log(code, f.message);
  }
  await api.refresh();
  const c: EffectiveConsent & { source: ConsentSource } = api.consent();
  api.forget();
  console.log(api.version, n, c.gpc, c.source, names);
}
if (window.xsell && !Array.isArray(window.xsell)) void afterLoad(window.xsell);

// Events on a slot and on document.
const slot = document.querySelector<HTMLElement>('[data-xsell-slot]');
slot?.addEventListener('xsell:offer', (e) => {
  if (e.detail.edge) {
    const edge: EdgeEventDetail = e.detail; // rendered by the edge worker: no Decision here
    console.log(edge.decisionId, edge.offerId, edge.placement);
    return;
  }
  const d: OfferShownDetail = e.detail;
  const decision: Decision = d.decision;
  const outcome: Outcome = decision.outcome;
  const stage: Stage | undefined = decision.stage;
  const trace: TraceEntry[] = decision.trace;
  const reasons: Reason[] = trace.map((t) => t.reason);
  const offer: OfferView = d.offer;
  const kind: OfferKind = offer.kind;
  const price: Money = offer.price;
  const items: ItemView[] = offer.items;
  const bundle: BundleView | undefined = offer.bundle;
  const tiers: TierView[] = bundle ? bundle.tiers : [];
  const tier: Tier | undefined = bundle?.tier;
  const placement: Placement = d.placement;
  console.log(outcome, stage, reasons, kind, price.display, items.length, tiers, tier, placement, offer.savings?.display);
});
slot?.addEventListener('xsell:accept', (e) => {
  if (e.detail.edge) {
    const edge: EdgeAcceptDetail = e.detail;
    console.log(edge.skus);
    return;
  }
  const d: AcceptDetail = e.detail;
  const base: OfferEventDetail = d;
  console.log(d.skus, d.price.amount, d.kind, base.decisionId, base.offerId, base.product);
  e.preventDefault(); // the host shows its own confirmation
});
slot?.addEventListener('xsell:dismiss', (e) => {
  const d: DismissDetail | EdgeEventDetail = e.detail;
  console.log(d.offerId);
});
document.addEventListener('xsell:error', (e) => {
  const d: ErrorDetail = e.detail;
  if (e.target === document) console.log(d.code, d.message, d.placement);
});
window.addEventListener('xsell:accept', (e: XsellEventMap['xsell:accept']) => console.log(e.detail.offerId));

const state = slot?.getAttribute('data-xsell-state') as SlotState | null;
const device: Device = 'tablet';
const signals: Signals = {
  placement: 'cart',
  page: { product: 'AURORA-Q', category: 'mattress', dwell_seconds: 42.5 },
  cart: { items: cart },
  session: { id: 's-42', pages_viewed: 5, viewed_categories: ['mattress'] },
  device,
  geo: { country: 'US' },
  time: { local_hour: 9, weekday: 1 },
  customer,
  lifecycle,
  answers,
  motivation,
  stock: { 'COOLGUARD-Q': 3 },
};
console.log(state, signals);
