// The referral module's use cases, as other modules and the routes call them: drafting (drafting.ts),
// the transitions of the state machine (transitions.ts), the desk's reads and tasks (desk.ts), the
// figures (figures.ts), the insurance calculator and service levels (insurance.ts).
export { assembleSummary, createDraft, createReferral, summaryPreview, targets, updateDraft, type CreateInput, type DraftInput, type Summary } from './drafting.ts';
export { accept, arrive, cancel, complete, decline, expireOverdue, followBookingMove, send } from './transitions.ts';
export { completeTask, getReferral, inbox, listTasks } from './desk.ts';
export { figuresScope, referralFigures, type FigureGroup } from './figures.ts';
export { estimatePayment, getSla, insuranceParameters, setInsuranceParameters, setSla } from './insurance.ts';
// Bulk loads of the referral tables (the demo county): the referral module writes its own tables.
export { createDownReferralTasks, linkReferralBeds, linkReferralBookings, loadReferralEvents, loadReferrals, countTasks, type BulkReferral, type BulkReferralEvent } from './store.ts';
