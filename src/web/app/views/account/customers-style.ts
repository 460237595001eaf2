// The customer pages' few styles of their own (the shell's app.css has the rest): long unbroken
// account names wrap on a phone, and the account page's forms stack their heading above the fields.
export const CUSTOMERS_CSS = `
#account-name, #pool-table .deal-link, #claims-table .deal-link, #import-lines td { overflow-wrap: anywhere; }
.customer-form { margin-top: 0.75rem; }
.customer-form h3 { margin: 0 0 0.25rem; font-size: 1rem; }
.plain-fieldset { border: 0; margin: 0 0 0.75rem; padding: 0; min-width: 0; }
.plain-fieldset .check { display: flex; gap: 0.5rem; align-items: flex-start; }
.plain-fieldset .check > span { min-width: 0; overflow-wrap: anywhere; }
.plain-fieldset legend { padding: 0; font-weight: 600; margin-bottom: 0.25rem; }
#import-progress progress, #handover-progress progress, #import-done-bar { display: block; width: 100%; margin-top: 0.25rem; }
`;
