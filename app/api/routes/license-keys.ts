import { listBody } from "~/api/lists.server";
import type { ApiContext, Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import {
  ActivateLicenseSchema,
  CreateLicenseKeySchema,
  DeactivateLicenseSchema,
  ListInstancesQuerySchema,
  ListLicenseKeysQuerySchema,
  UpdateLicenseKeySchema,
  ValidateLicenseSchema,
} from "~/schemas/billing";
import {
  activateLicense,
  createLicenseKey,
  deactivateInstance,
  listInstances,
  listLicenseKeys,
  requireLicenseKey,
  serializeInstance,
  serializeLicenseKey,
  updateLicenseKey,
  validateLicense,
} from "~/models/license-keys.server";
import { rateLimiter } from "~/utils/rate-limit.server";

/** `/license-keys` */
export const licenseKeyList: Handlers<MerchantContext> = {
  GET: ({ merchant, query }) => {
    const { limit, starting_after, customer_id } = parseInput(ListLicenseKeysQuerySchema, query);
    const page = listLicenseKeys({ merchantId: merchant.id, customerId: customer_id, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeLicenseKey) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateLicenseKeySchema, body);
    const created = createLicenseKey({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializeLicenseKey(created) };
  },
};

/** `/license-keys/:id` */
export const licenseKey: Handlers<MerchantContext> = {
  GET: ({ merchant, params }) => ({ status: 200, body: serializeLicenseKey(requireLicenseKey({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateLicenseKeySchema, body);
    const updated = updateLicenseKey({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serializeLicenseKey(updated) };
  },
};

/** `/license-keys/:id/instances` */
export const licenseKeyInstances: Handlers<MerchantContext> = {
  GET: ({ merchant, params, query }) => {
    const { limit, starting_after } = parseInput(ListInstancesQuerySchema, query);
    const page = listInstances({ merchantId: merchant.id, licenseKeyId: params.id!, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeInstance) };
  },
};

// The public license endpoints: the license key is the credential, limited per IP and per key.

/** `/licenses/activate` */
export const licenseActivate: Handlers<ApiContext> = {
  POST: ({ clientIp, body }) => {
    rateLimiter.enforce("licenses.ip", clientIp);
    const input = parseInput(ActivateLicenseSchema, body);
    rateLimiter.enforce("licenses.key", input.license_key);
    return { status: 201, body: serializeInstance(activateLicense({ key: input.license_key, name: input.name })) };
  },
};

/** `/licenses/deactivate` */
export const licenseDeactivate: Handlers<ApiContext> = {
  POST: ({ clientIp, body }) => {
    rateLimiter.enforce("licenses.ip", clientIp);
    const input = parseInput(DeactivateLicenseSchema, body);
    rateLimiter.enforce("licenses.key", input.license_key);
    return { status: 200, body: deactivateInstance({ key: input.license_key, instanceId: input.license_key_instance_id }) };
  },
};

/** `/licenses/validate` */
export const licenseValidate: Handlers<ApiContext> = {
  POST: ({ clientIp, body }) => {
    rateLimiter.enforce("licenses.ip", clientIp);
    const input = parseInput(ValidateLicenseSchema, body);
    rateLimiter.enforce("licenses.key", input.license_key);
    return { status: 200, body: validateLicense({ key: input.license_key, instanceId: input.license_key_instance_id }) };
  },
};
