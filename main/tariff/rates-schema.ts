/** The rates.json schema lives in shared/ so the dashboard's rates editor validates with the same one. */
export * from '../../shared/tariff/rates-schema.js';
