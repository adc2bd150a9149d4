import { and, desc, eq, or } from "drizzle-orm";
import { customerOptionalColumns, customerTableColumns, savedViews, type CustomerOptionalColumn, type SavedView } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { forbidden, invalidField, notFound } from "./errors.server";

/** The optional columns a staff member chose for this merchant's customers table (none at first). */
export function getCustomerColumns({ staffUserId, merchantId }: { staffUserId: string; merchantId: string }): CustomerOptionalColumn[] {
  const row = db
    .select({ columns: customerTableColumns.columns })
    .from(customerTableColumns)
    .where(and(eq(customerTableColumns.staffUserId, staffUserId), eq(customerTableColumns.merchantId, merchantId)))
    .get();
  return (row?.columns ?? []).filter((c): c is CustomerOptionalColumn => (customerOptionalColumns as readonly string[]).includes(c));
}

export function setCustomerColumns({ staffUserId, merchantId, columns }: { staffUserId: string; merchantId: string; columns: string[] }) {
  const known = customerOptionalColumns.filter((c) => columns.includes(c));
  const at = now();
  db.insert(customerTableColumns)
    .values({ staffUserId, merchantId, columns: known, updatedAt: at })
    .onConflictDoUpdate({ target: [customerTableColumns.staffUserId, customerTableColumns.merchantId], set: { columns: known, updatedAt: at } })
    .run();
  return known;
}

export const MAX_SAVED_VIEWS = 50;

/** The views a staff member sees: their own and the team's shared ones, newest first. */
export function listSavedViews({ staffUserId, merchantId }: { staffUserId: string; merchantId: string }): SavedView[] {
  return db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.merchantId, merchantId), or(eq(savedViews.staffUserId, staffUserId), eq(savedViews.shared, true))))
    .orderBy(desc(savedViews.createdAt), desc(savedViews.seq))
    .limit(MAX_SAVED_VIEWS * 2)
    .all();
}

export function createSavedView(opts: { merchantId: string; staffUserId: string; name: string; query: string; shared: boolean; actor: Actor }) {
  const name = opts.name.trim();
  if (name === "" || name.length > 100) throw invalidField("view_name", "A view needs a name of at most 100 characters.");
  if (opts.query.length > 2000) throw invalidField("view_name", "This query is too long to save.");
  const mine = db.select({ id: savedViews.id }).from(savedViews).where(and(eq(savedViews.merchantId, opts.merchantId), eq(savedViews.staffUserId, opts.staffUserId))).all();
  if (mine.length >= MAX_SAVED_VIEWS) throw invalidField("view_name", `At most ${MAX_SAVED_VIEWS} saved views each.`);
  const view = db
    .insert(savedViews)
    .values({ id: newId("savedView"), merchantId: opts.merchantId, staffUserId: opts.staffUserId, name, query: opts.query, shared: opts.shared, createdAt: now() })
    .returning()
    .get();
  audit({ merchantId: opts.merchantId, actor: opts.actor, action: "saved_view.created", objectType: "saved_view", objectId: view.id, data: { name, shared: opts.shared } });
  return view;
}

/** Its maker deletes a view; a shared view also whoever may manage the team (`canManageShared`). */
export function deleteSavedView(opts: { merchantId: string; staffUserId: string; id: string; canManageShared: boolean; actor: Actor }) {
  const view = db.select().from(savedViews).where(and(eq(savedViews.id, opts.id), eq(savedViews.merchantId, opts.merchantId))).get();
  if (!view || (view.staffUserId !== opts.staffUserId && !view.shared)) throw notFound("saved view", opts.id);
  if (view.staffUserId !== opts.staffUserId && !opts.canManageShared) throw forbidden("not_view_owner", "Only its maker or an admin can delete a shared view.");
  db.delete(savedViews).where(eq(savedViews.seq, view.seq)).run();
  audit({ merchantId: opts.merchantId, actor: opts.actor, action: "saved_view.deleted", objectType: "saved_view", objectId: view.id });
}
