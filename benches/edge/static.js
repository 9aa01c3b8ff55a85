// The baseline for scripts/bench-edge.mjs: a worker that answers every request with a fixed JSON
// body of a decision's size, so the ratio to the xsell worker is the overhead xsell adds.
const BODY = JSON.stringify({ outcome: 'offer', pad: 'x'.repeat(1800) });
export default {
  fetch() {
    return new Response(BODY, { headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'private, no-store' } });
  },
};
