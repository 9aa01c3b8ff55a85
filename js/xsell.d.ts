// Types for the xsell drop-in script (js/xsell.js) and every object that crosses its boundary.
// The script is a side-effect module: it installs `window.xsell` and exports nothing at run time.
// Reference: docs/script-api.md (commands, API), docs/events.md (DOM events),
// docs/decision.md (the Decision JSON), docs/signals.md (Signals, Consent).

// ---- vocabulary --------------------------------------------------------------------------

/** A built-in placement, or one the pack declares under `policy.placements`. */
export type Placement = 'product' | 'cart' | 'checkout' | 'post_purchase' | (string & {});
export type Stage = 'researching' | 'purchasing' | 'onboarding' | 'using';
export type Motivation = 'save_time' | 'reduce_risk' | 'enhance_results';
export type Device = 'mobile' | 'tablet' | 'desktop';
export type OfferKind = 'addon' | 'bundle';
export type Tier = 'good' | 'better' | 'best';

// ---- the Decision JSON (docs/decision.md) ------------------------------------------------

/** Money in minor units, with the engine's display text (`"$1,419.00"`). */
export interface Money {
  amount: number;
  currency: string;
  display: string;
}

export interface ItemView {
  sku: string;
  name: string;
  price: Money;
  /** Present (true) only on a bundle's anchor, which is always at full price. */
  anchor?: true;
}

export interface TierView {
  offer: string;
  tier: Tier;
  label: string;
  price: Money;
}

export interface BundleView {
  name: string;
  tier: Tier;
  label: string;
  /** The tiers of the same bundle family that are eligible in this decision, good to best. */
  tiers: TierView[];
}

/** The card. Every string is plain text (the script renders it with textContent). */
export interface OfferView {
  id: string;
  kind: OfferKind;
  title: string;
  benefit?: string;
  because: string;
  cta: string;
  image?: string;
  url?: string;
  price: Money;
  /** Bundles only. */
  regular_price?: Money;
  /** Bundles only, and only when > 0. */
  savings?: Money;
  items: ItemView[];
  bundle?: BundleView;
  need: { stage: Stage; motivation: Motivation };
  /** The chosen product (sku) the offer fits, which the `because` cites. */
  chosen?: string;
}

export type Reason =
  | 'outside_window'
  | 'stage'
  | 'consent'
  | 'in_cart'
  | 'incompatible'
  | 'out_of_stock'
  | 'condition_false'
  | 'sequence_not_ready'
  | 'cooldown'
  | 'cap_reached'
  | 'exclusive_group'
  | 'lower_score';

/** Why one candidate lost. `detail` is human-readable, not a stable format. */
export interface TraceEntry {
  offer: string;
  reason: Reason;
  detail: string;
}

export type Outcome = 'offer' | 'no_candidates' | 'none_eligible' | 'unknown_placement' | 'holdout';

/** The experiment covering a placement and the arm this shopper is in (docs/pack-format.md#experiments). */
export interface ExperimentRef {
  id: string;
  unit: 'visitor' | 'opportunity';
  /** The arm's id, or `holdout`. */
  arm: string;
}

/** A decision as the engine returns it from the browser: the Decision JSON plus `id` and `ok`. */
export interface Decision {
  ok: true;
  /** Random decision id (32 hex digits). */
  id: string;
  outcome: Outcome;
  placement: string;
  /** Absent for `unknown_placement`. */
  stage?: Stage;
  pack: { id: string; version: number };
  personalized: boolean;
  /** Present when an experiment covers the placement and the shopper had a visitor or session id. */
  experiment?: ExperimentRef;
  /** Present when `outcome` is `offer`. */
  offer?: OfferView;
  /** Present when `outcome` is `holdout`: the offer that would have shown. */
  would_be?: string;
  score?: number;
  matched: string[];
  trace: TraceEntry[];
}

// ---- what the script passes to the engine (docs/signals.md) ------------------------------

export interface CartItem {
  sku: string;
  /** Integer ≥ 0; 1 when absent. */
  qty?: number;
}

export interface Customer {
  segment?: string;
  tenure_days?: number;
  first_purchase?: boolean;
  order_count?: number;
  category_mix?: string[];
}

export interface Lifecycle {
  /** Unix seconds. */
  purchased_at?: number;
  purchased?: string[];
  days_to_renewal?: number;
  usage_count?: number;
  days_to_depletion?: number;
}

/** Declared answers ("told us"), keyed by the pack's answer keys. */
export type Answers = Record<string, string | number | boolean>;

/** The signals of one decision. The script fills most of it; see docs/script-api.md. */
export interface Signals {
  placement: Placement;
  page?: { product?: string; category?: string; dwell_seconds?: number };
  cart?: { items: CartItem[] };
  session?: { id?: string; visitor?: string; pages_viewed?: number; viewed_categories?: string[] };
  device?: Device;
  geo?: { country?: string };
  time?: { local_hour?: number; weekday?: number };
  customer?: Customer;
  lifecycle?: Lifecycle;
  answers?: Answers;
  motivation?: Motivation;
  /** Live stock by sku. */
  stock?: Record<string, number>;
}

/** Consent as the host gives it. Missing fields are false. */
export interface Consent {
  storage?: boolean;
  personalization?: boolean;
  measurement?: boolean;
}

/** Consent in force: after GPC (which switches everything off). */
export interface EffectiveConsent {
  storage: boolean;
  personalization: boolean;
  measurement: boolean;
  gpc: boolean;
}

/** Where the consent in force came from. */
export type ConsentSource = 'unknown' | 'default' | 'tcf' | 'host';

// ---- host commands (docs/script-api.md) --------------------------------------------------

export interface ConfigCommandValue {
  pack?: string;
  keys?: string;
  endpoint?: string;
}

export interface Purchase {
  skus: string[];
  /** Unix seconds (milliseconds are recognised and converted); now when absent. */
  at?: number;
}

export interface Labels {
  /** The dismiss button. Default "No thanks". */
  no?: string;
  /** Prefix of the confirmation after Add. Default "Added:". */
  added?: string;
  /** Prefix of a bundle's savings. Default "Save". */
  save?: string;
  /** The card's accessible name. Default "Suggested add-on". */
  label?: string;
}

/** Signals the host sets directly; merged one level deep over what the script gathers. */
export type SignalsPatch = Partial<Omit<Signals, 'placement'>>;

export type XsellCommand =
  | ['config', ConfigCommandValue]
  | ['cart', Array<CartItem | string> | { items: Array<CartItem | string> }]
  | ['customer', Customer]
  | ['answers', Answers]
  | ['motivation', Motivation]
  | ['consent', Consent]
  | ['purchase', Purchase]
  | ['page', { product?: string; category?: string }]
  | ['context', { country?: string }]
  | ['signals', SignalsPatch]
  | ['labels', Labels];

export type XsellCommandName = XsellCommand[0];

// ---- the API installed as window.xsell ---------------------------------------------------

export interface LoadedPack {
  ok: true;
  packId: string;
  version: number;
  keyId: string;
  highWater: number;
  /** When the pack expires, Unix seconds. */
  expiresAt: number;
}

/** Every code `xsell:error` and a failed `ready` can carry. */
export type ErrorCode =
  // the script
  | 'config'
  | 'fetch_failed'
  | 'wasm_unavailable'
  | 'wasm_trap'
  | 'internal'
  | 'bad_command'
  // the engine's load (envelope, keys, pack)
  | 'too_large'
  | 'malformed'
  | 'wrong_payload_type'
  | 'bad_base64'
  | 'no_signatures'
  | 'too_many_signatures'
  | 'unknown_key'
  | 'bad_signature'
  | 'bad_keys'
  | 'bad_arguments'
  | 'invalid_pack'
  | 'not_yet_valid'
  | 'expired'
  | 'wrong_audience'
  | 'engine_too_old'
  | 'rollback'
  // the engine's decide
  | 'no_pack'
  | 'bad_signals'
  | 'bad_consent'
  | 'bad_event'
  | (string & {});

export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
}

export type ReadyResult = LoadedPack | Failure;

export interface XsellApi {
  /** The loader's version. */
  readonly version: string;
  /** Settles once the pack is loaded and the first slots are decided, or boot failed. Never rejects. */
  readonly ready: Promise<ReadyResult>;
  /** Runs commands, like the queue did before the script loaded. Never throws. */
  push(...commands: XsellCommand[]): number;
  /** Decides again for every slot that is empty and not finished (new slots included). */
  refresh(): Promise<void>;
  /** The consent in force and its source. */
  consent(): EffectiveConsent & { source: ConsentSource };
  /** Deletes every key xsell stored (localStorage through the engine, and sessionStorage). */
  forget(): void;
}

// ---- DOM events (docs/events.md) ---------------------------------------------------------

export interface OfferEventDetail {
  /** The decision's random id. */
  decisionId: string;
  /** The offer id (`offer.id`). */
  offerId: string;
  placement: Placement;
  /** The page product (the slot's data-product, else the host's `page` command). */
  product?: string;
  offer: OfferView;
  /** Absent: the script rendered this card (see EdgeEventDetail for the edge's). */
  edge?: false;
}

/** The events of a card the edge worker rendered into the page (docs/edge.md): the script did
 * not decide it, so the detail has what the card's markup says, not the Decision. */
export interface EdgeEventDetail {
  /** The edge's decision id. */
  decisionId: string;
  offerId: string;
  placement: Placement;
  product?: string;
  edge: true;
}

/** `xsell:accept` for an edge-rendered card: the skus Add puts in the cart. */
export interface EdgeAcceptDetail extends EdgeEventDetail {
  skus: string[];
}

/** `xsell:offer`: a card was rendered into the slot. */
export interface OfferShownDetail extends OfferEventDetail {
  decision: Decision;
}

/** `xsell:accept`: the shopper pressed Add; the host adds `skus` to the cart at `price`. Cancelable. */
export interface AcceptDetail extends OfferEventDetail {
  kind: OfferKind;
  /** Every sku the offer delivers: the add-on, or every bundle item (the anchor included). */
  skus: string[];
  /** What the shopper pays: the add-on's price or the bundle price. */
  price: Money;
}

/** `xsell:dismiss`: the shopper pressed No thanks; the card is gone. */
export type DismissDetail = OfferEventDetail;

/** `xsell:error`: nothing is shown in the slot (or in any slot, when fired on document). */
export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  /** Present when fired on a slot. */
  placement?: Placement;
}

export interface XsellEventMap {
  'xsell:offer': CustomEvent<OfferShownDetail | EdgeEventDetail>;
  'xsell:accept': CustomEvent<AcceptDetail | EdgeAcceptDetail>;
  'xsell:dismiss': CustomEvent<DismissDetail | EdgeEventDetail>;
  'xsell:error': CustomEvent<ErrorDetail>;
}

/** The slot's `data-xsell-state` attribute. */
export type SlotState = 'offer' | 'empty' | 'accepted' | 'dismissed' | 'error';

declare global {
  interface Window {
    /** A command queue before the script loads, the API after. */
    xsell?: XsellApi | XsellCommand[];
  }
  interface HTMLElementEventMap extends XsellEventMap {}
  interface DocumentEventMap extends XsellEventMap {}
  interface WindowEventMap extends XsellEventMap {}
}
