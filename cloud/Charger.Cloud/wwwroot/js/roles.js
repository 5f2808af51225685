// What each role may do, mirrored from the server's role x endpoint matrix so the UI shows only the actions a user
// may take. The server stays the authority: it refuses anything else with 403, and the UI shows that error.
import { tOr } from './i18n.js';

export const Roles = Object.freeze({
  Admin: 'admin',
  Supervisor: 'supervisor',
  TechnicalSupport: 'technical-support',
  RepairEngineer: 'repair-engineer',
  ServiceSpecialist: 'service-specialist',
  Auditor: 'auditor',
});

const { Admin, Supervisor, TechnicalSupport, RepairEngineer, ServiceSpecialist, Auditor } = Roles;

/** A role's name in the user's language (role.* of the translation table); an unknown role as it is. */
export const roleName = role => tOr('role.' + role, role);

/** Work-order actions (the API's path segment) and the roles that may take them (Charger.Cloud.FieldService). */
export const WorkOrderActionRoles = Object.freeze({
  triage: [TechnicalSupport, Supervisor],
  assign: [TechnicalSupport, Supervisor],
  'set-off': [RepairEngineer, Supervisor],
  arrive: [RepairEngineer, Supervisor],
  resolve: [RepairEngineer, Supervisor],
  'wait-for-parts': [RepairEngineer, Supervisor],
  'wait-for-customer': [RepairEngineer, Supervisor],
  resume: [RepairEngineer, Supervisor],
  escalate: [RepairEngineer, TechnicalSupport, Supervisor],
  confirm: [ServiceSpecialist, Supervisor],
  close: [ServiceSpecialist, Supervisor],
  decide: [Supervisor],
  cancel: [Supervisor],
  reopen: [Supervisor],
});

/** The state machine's permitted triggers (allowedActions of a work order) as action paths. */
export function actionOfTrigger(trigger) {
  if (trigger === 'reopen-to-assigned') return 'reopen';
  if (trigger.startsWith('decide-')) return 'decide';
  return trigger;
}

const can = Object.freeze({
  acknowledgeAlarm: [TechnicalSupport, Supervisor],
  assignAlarm: [TechnicalSupport, Supervisor],
  createWorkOrder: [ServiceSpecialist, Supervisor],
  seeSla: [TechnicalSupport, Supervisor, Auditor, ServiceSpecialist],
  listUsers: [Admin, Supervisor, TechnicalSupport, Auditor],
  manageUsers: [Admin],
  readAudit: [Auditor, Supervisor, Admin],
  readKpis: [Supervisor, Auditor],
  readComplaints: [ServiceSpecialist, Supervisor, Auditor],
  recordComplaint: [ServiceSpecialist, Supervisor],
  superviseComplaint: [Supervisor],
  answerInquiry: [ServiceSpecialist, Supervisor, TechnicalSupport],
  readInquiries: [ServiceSpecialist, Supervisor, Auditor, TechnicalSupport],
  recordInquiry: [ServiceSpecialist, Supervisor],
  deadLetters: [Supervisor, TechnicalSupport, Auditor, Admin],
});

/** True when the role may do what (a key of `can`). */
export function may(role, what) {
  return (can[what] ?? []).includes(role);
}

/**
 * The actions the signed-in user may take on a work order now: those its state permits, that the role may take,
 * and (for a repair engineer) only on the orders assigned to them.
 */
export function workOrderActions(me, workOrder) {
  if (me.role === RepairEngineer && workOrder.engineerId !== me.userId) return [];
  const actions = [];
  for (const trigger of workOrder.allowedActions ?? []) {
    const action = actionOfTrigger(trigger);
    if ((WorkOrderActionRoles[action] ?? []).includes(me.role) && !actions.includes(action)) actions.push(action);
  }
  return actions;
}
