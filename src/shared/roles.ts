// Roles and region scope: pure, shared by server and web.

export const ROLES = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator', 'resident', 'department'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  sysadmin: { zh: '系统管理员', en: 'System administrator' },
  officer: { zh: '卫健委', en: 'Health-commission officer' },
  manager: { zh: '医共体管理', en: 'Medical-community manager' },
  doctor: { zh: '医生', en: 'Doctor' },
  nurse: { zh: '护士', en: 'Nurse' },
  public_health: { zh: '公共卫生人员', en: 'Public-health staff' },
  village_doctor: { zh: '乡村医生', en: 'Village doctor' },
  coordinator: { zh: '转诊协调员', en: 'Referral coordinator' },
  resident: { zh: '居民', en: 'Resident' },
  department: { zh: '责任部门', en: 'Government department' },
};

/** Roles that care for patients and so may open a record when a legal basis exists. */
export const CLINICAL_ROLES: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health', 'coordinator'];

/** The code prefix that every region under `code` starts with (GB/T 2260 six digits, statistical twelve). */
export function regionPrefix(code: string): string {
  if (code.length === 12) {
    if (code.endsWith('000000')) return regionPrefix(code.slice(0, 6));
    if (code.endsWith('000')) return code.slice(0, 9);
    return code;
  }
  if (code.length === 6) {
    if (code.endsWith('0000')) return code.slice(0, 2);
    if (code.endsWith('00')) return code.slice(0, 4);
    return code;
  }
  return code;
}

/** True when region `code` lies within (or is) the region `scope`. */
export function regionWithin(code: string, scope: string): boolean {
  return code.startsWith(regionPrefix(scope));
}
