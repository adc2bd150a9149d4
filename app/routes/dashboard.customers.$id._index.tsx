// The customer's own URL shows the payments tab (its first tab), as Stripe's customer page
// leads with payments.
export { action, default, ErrorBoundary, headers, loader } from "./dashboard.customers.$id.payments";
