import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvChunk, csvRows, parseTableQuery, visibleColumns } from "~/dashboard/customer-table.server";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";
import { exportCustomersStart, listCustomers } from "~/models/customer-list.server";
import { getCustomerColumns } from "~/models/dashboard-views.server";
import { audit } from "~/models/audit.server";
import { translator } from "~/i18n/index";

const PAGE = 1000;

/**
 * GET /dashboard/customers/export.csv?<the table's query> (DASHBOARD.md): every matching
 * customer, the staff member's visible columns, streamed in keyset pages of 1,000 (constant
 * memory however many rows), UTF-8 with a byte-order mark, RFC 4180 with CRLF, formula cells
 * neutralised. The set is fixed when the export starts (customers added later are left out),
 * and the export is in the audit log.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:export");
  const parsed = parseTableQuery(new URL(request.url));
  if (parsed.errors) return new Response("The query has invalid parameters; open it in the table to see which.\n", { status: 400, headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" } });
  const columns = visibleColumns(getCustomerColumns({ staffUserId: s.staff.id, merchantId: s.merchant.id }));
  const upToSeq = exportCustomersStart();
  audit({ merchantId: s.merchant.id, actor: { ...s.actor }, action: "customers.exported", objectType: "customer", data: { query: new URL(request.url).search, columns } });
  const t = translator(s.locale);
  const header = columns.map((c) => t(`dash.customers.csv.${c}`));
  const merchantId = s.merchant.id;
  let cursor: string | null = null;
  let started = false;
  let done = false;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    // One page per pull: the stream asks for more only as the client reads (backpressure).
    pull(controller) {
      if (done) return;
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvChunk([header])}`));
        return;
      }
      const page = listCustomers({ merchantId, query: { ...parsed.query, limit: PAGE, upToSeq, after: cursor ? { cursor } : undefined } });
      if (page.rows.length > 0) controller.enqueue(encoder.encode(csvChunk(csvRows(page.rows, columns, merchantId))));
      cursor = page.nextCursor;
      if (!cursor) {
        done = true;
        controller.close();
      }
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    status: 200,
    headers: {
      ...NO_STORE,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="customers-${day}.csv"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
