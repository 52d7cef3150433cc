// Numbers typed into forms are kept as typed: no field clamps or rounds them (antd's InputNumber min/max/
// precision would). A value out of range, not whole where it must be, or with too many decimals gets an
// error beside the field, naming it in the user's language, and the form is not sent.
import type { Rule } from 'antd/es/form';
import { Typography } from 'antd';
import type { useT } from '../i18n';
import { OBSERVATIONS } from '../../modules/records/observations';

type T = ReturnType<typeof useT>;

export interface NumberLimits {
  min?: number;
  max?: number;
  /** Must be a whole number. */
  integer?: boolean;
  /** At most this many decimals. */
  decimals?: number;
}

/** What is wrong with a typed number (null when it is fine or empty), in the user's language. */
export function numberProblem(t: T, field: string, value: unknown, l: NumberLimits): string | null {
  if (value === null || value === undefined || value === '') return null;
  const v = Number(value);
  if (!Number.isFinite(v)) return t('common.number.notNumber', { field });
  if ((l.min !== undefined && v < l.min) || (l.max !== undefined && v > l.max)) {
    if (l.min !== undefined && l.max !== undefined) return t('common.number.range', { field, min: l.min, max: l.max });
    return l.min !== undefined ? t('common.number.min', { field, min: l.min }) : t('common.number.max', { field, max: l.max! });
  }
  if (l.integer && !Number.isInteger(v)) return t('common.number.integer', { field });
  if (l.decimals !== undefined && !Number.isInteger(Math.round(v * 10 ** l.decimals * 1e6) / 1e6)) return t('common.number.decimals', { field, n: l.decimals });
  return null;
}

/** The antd Form rule for a number field with these limits (the field's label names it in the message). */
export function numberRule(t: T, field: string, l: NumberLimits): Rule {
  return { validator: (_r, value) => { const p = numberProblem(t, field, value, l); return p ? Promise.reject(new Error(p)) : Promise.resolve(); } };
}

/** The message under a number input that is not in a Form (its problem from numberProblem). */
export function NumberProblem({ problem, testId }: { problem: string | null; testId?: string }) {
  return problem ? <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid={testId}>{problem}</Typography.Text> : null;
}

/** The plausible range of an observation (the server refuses values outside it), as limits for a field. */
export function plausible(code: string, integer = false): NumberLimits {
  const o = OBSERVATIONS.find((x) => x.code === code);
  if (!o) throw new Error(`no observation ${code}`);
  return { min: o.plausible[0], max: o.plausible[1], integer };
}
