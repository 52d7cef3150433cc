// Reads a reform plan's text into its structure (shared/contracts/plan-import.schema.json): title,
// issuer, document number, date, tasks with heading path, units and deadline, and quantified targets.
// Written for the shapes plans take, not for particular plans: heading marks of four kinds, units
// inline / on their own lines / as a sentence, blanket clauses, page numbers, broken lines.
import { matchIndicator } from './indicator-match.ts';

export interface PlanTask {
  path: string[];
  number: string;
  title: string;
  text: string;
  leadUnits: string[];
  responsibleUnits: string[];
  cooperatingUnits: string[];
  deadline: string | null;
}

export interface PlanTarget {
  taskPath: string[] | null;
  text: string;
  metric: string | null;
  comparator: '>=' | '<=' | '=' | '>' | '<' | 'range';
  value: number | number[];
  unit: string;
  year: number | null;
  indicator: string | null;
}

export interface ParsedPlan {
  title: string;
  issuer: string | null;
  docNumber: string | null;
  date: string | null;
  tasks: PlanTask[];
  targets: PlanTarget[];
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A Chinese numeral up to 99 (一, 十二, 二十三) as a number. */
export function cnNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十]+$/.test(s)) return null;
  if (s === '十') return 10;
  const i = s.indexOf('十');
  if (i < 0) return s.split('').reduce((a, c) => a * 10 + CN_DIGITS[c], 0);
  const tens = i === 0 ? 1 : CN_DIGITS[s[0]];
  const ones = i === s.length - 1 ? 0 : CN_DIGITS[s[s.length - 1]];
  return tens * 10 + ones;
}

/** Full-width ASCII (digits, letters, punctuation) to half-width, for matching only. */
export function halfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

// ---- cleaning ----

// — 3 —, -12-, 7, 第3页, 第 3 页 共 10 页, 3/10
const PAGE_NUMBER = /^\s*(?:[-—–－]*\s*\d{1,3}\s*[-—–－]*|第\s*\d{1,3}\s*页(?:\s*[，,]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*\/\s*\d{1,3})\s*$/;

/** Removes page numbers, markup and blank noise, and joins lines the PDF conversion broke. */
export function cleanLines(text: string): string[] {
  const raw = text.replace(/\r\n?/g, '\n').split('\n')
    .map((l) => l.replace(/^\s*#{1,6}\s*/, '').replace(/\*\*|__|`/g, '').replace(/<[^>]+>/g, '').replace(/\s+$/, '').replace(/^\s+/, ''))
    .filter((l) => l !== '' && !PAGE_NUMBER.test(l));
  const out: string[] = [];
  let body = false;
  for (const line of raw) {
    if (!body && parseHeading(line)?.level === 1) body = true;
    // Tables (an appended ledger) keep their rows: no joining from there on.
    if (/^(附件|附表|序号)/.test(line) || line.includes('\t')) body = false;
    const prev = body ? out[out.length - 1] : undefined;
    // A line continues the previous one when that one stopped mid-sentence and this one starts no heading or unit line.
    if (prev !== undefined && !/[。；;：:！？!?）)」”]$/.test(prev) && !isHeading(line) && !UNIT_LINE.test(line) && prev.length > 25) out[out.length - 1] = prev + line;
    else out.push(line);
  }
  return out;
}

// ---- headings ----

export interface Heading {
  level: 1 | 2 | 3 | 4;
  number: string;
  rest: string;
}

const H1 = /^([一二三四五六七八九十]+)\s*[、．.]\s*(.*)$/;
const H2 = /^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.*)$/;
const H3 = /^(\d{1,2})\s*[．.、](?!\d)\s*(.*)$/;
const H4 = /^[（(]\s*(\d{1,2})\s*[）)]\s*(.*)$/;

/** The heading a line opens with, if any: 一、 （一） 1． (1), full- or half-width. */
export function parseHeading(line: string): Heading | null {
  for (const [re, level] of [[H1, 1], [H2, 2], [H3, 3], [H4, 4]] as const) {
    const m = re.exec(line);
    if (m) return { level, number: m[1], rest: m[2] };
  }
  return null;
}
const isHeading = (line: string) => parseHeading(line) !== null;

/** A heading's number as the contract's path shows it: 二, （一）, 1, （1） — bracketed kinds in full-width brackets, whichever width was printed. */
export function pathLabel(h: Pick<Heading, 'level' | 'number'>): string {
  return h.level === 2 || h.level === 4 ? `（${h.number}）` : h.number;
}

/** Splits a heading line into its title (up to the first full stop) and the text after it. */
export function splitTitle(rest: string): { title: string; text: string } {
  const m = /^(.{2,60}?)[。．](.*)$/.exec(rest);
  if (m && !/[，,]/.test(m[1].slice(-1))) return { title: m[1].trim(), text: m[2].trim() };
  return { title: rest.replace(/[。．；;：:]$/, '').trim(), text: '' };
}

// ---- units ----

const UNIT_LINE = /^[（(]?\s*(牵头单位|责任单位|责任部门|配合单位|协办单位|参与单位)\s*[：:]/;
const UNIT_BLOCK = /[（(]\s*((?:牵头单位|责任单位|责任部门|配合单位)\s*[：:][^（）()]*?)[）)]\s*$/;

/** Splits a list of units as printed: 、，, and ；separate; trailing "按职责分工负责" and the like go. */
export function splitUnits(s: string): string[] {
  const parts = s.replace(/(按职责分工负责|按照职责分工负责|分别负责|负责落实|负责)[。.]?$/, '').split(/([、，,；;])/);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const u = parts[i].trim().replace(/[。.]$/, '');
    // "区直相关部门、单位": a bare generic noun after 、 completes the name before it.
    if (/^(单位|部门|机构)$/.test(u) && out.length && parts[i - 1] === '、') out[out.length - 1] += `、${u}`;
    else if (u && u.length <= 40 && !/^[-—–－\s]+$/.test(u)) out.push(u);
  }
  return out;
}

/** Reads "牵头单位：A；责任单位：B、C；配合单位：D" into lead, responsible and cooperating units. */
export function parseUnits(s: string): { lead: string[]; responsible: string[]; cooperating: string[] } {
  const out = { lead: [] as string[], responsible: [] as string[], cooperating: [] as string[] };
  const parts = s.split(/(?=(?:牵头单位|责任单位|责任部门|配合单位|协办单位|参与单位)\s*[：:])/);
  for (const p of parts) {
    const m = /^(牵头单位|责任单位|责任部门|配合单位|协办单位|参与单位)\s*[：:]\s*(.*)$/.exec(p.trim().replace(/[；;。]$/, ''));
    if (!m) continue;
    // "县医保局（牵头）": a lead unit named inside a list.
    const marked = splitUnits(m[2].replace(/[；;]$/, ''));
    const units = marked.map((u) => u.replace(/\s*[（(]牵头[）)]$/, ''));
    out.lead.push(...marked.filter((u) => /[（(]牵头[）)]$/.test(u)).map((u) => u.replace(/\s*[（(]牵头[）)]$/, '')));
    if (m[1] === '牵头单位') out.lead.push(...units);
    else if (m[1] === '配合单位' || m[1] === '协办单位' || m[1] === '参与单位') out.cooperating.push(...units);
    else out.responsible.push(...units);
  }
  return out;
}

/**
 * The unit clauses a line ends with, and the line without them: "（牵头单位：A；责任单位：B）" in brackets, or an
 * unbracketed "…。牵头单位：A  责任单位：B" / "责任部门：A、B按职责分工负责。" after the last sentence.
 */
export function unitClauses(line: string): { units: string[]; rest: string } {
  const units: string[] = [];
  let rest = line;
  const block = UNIT_BLOCK.exec(rest);
  if (block) {
    units.push(block[1]);
    rest = rest.slice(0, block.index).trim();
  }
  const trailing = /(^|[。；;！!？?\s])((?:牵头单位|责任单位|责任部门|配合单位|协办单位|参与单位)\s*[：:].+?)[。.；;]?\s*$/.exec(rest);
  if (trailing) {
    units.unshift(trailing[2]);
    rest = rest.slice(0, trailing.index + trailing[1].length).trim();
  }
  return { units, rest };
}

// ---- deadlines ----

/** A deadline as an ISO date: "2022年12月底" → 2022-12-31, "2025年底" → 2025-12-31, "长期坚持" → null. */
export function parseDeadline(s: string, planYear: number | null): string | null {
  const t = halfWidth(s);
  let m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(底|末)?/.exec(t);
  if (m) {
    const y = Number(m[1]), mo = Number(m[2]);
    return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
  }
  m = /(\d{4})\s*年\s*(年底|底|末|前)?/.exec(t);
  if (m) return `${m[1]}-12-31`;
  m = /(\d{1,2})\s*月\s*(底|末)/.exec(t);
  if (m && planYear) return new Date(Date.UTC(planYear, Number(m[1]), 0)).toISOString().slice(0, 10);
  return null;
}

// ---- targets ----

// Longer units first, so that "30个工作日" reads as 个工作日 and "5个百分点" as 个百分点.
const UNITS = '个百分点|百分点|个工作日|工作日|万元|亿元|小时|分钟|%|‰|人次|人|个|所|家|支|名|次|元|张|项|类|天|岁|床|台|倍|种';
const NUM = '(\\d+(?:\\.\\d+)?)';
const WORDS = '达到|提高到|提升到|增加到|不得低于|不低于|不得少于|不少于|至少|超过|高于|控制在|降低到|下降到|不超过|不高于|低于|保持在|稳定在|提高|提升|增加';
const COUNTING = '选派|选拔|培训|配备|给予|建成|新增|招聘|安排';
const METRIC_NOISE = /(达到|提高到|提升到|增加到|不得低于|不低于|不得少于|不少于|不超过|不高于|控制在|降低到|下降到|至少|超过|以上|以下|保持在|稳定在|到20\d{2}年(年底|底)?(前)?|20\d{2}年(年底|底)?(前)?|年底)/g;

/** The comparator a wording states: 以上 ≥ and 以下/以内 ≤ first, then 不低于/不少于/至少 ≥, 不超过/控制在/降低到 ≤, 低于 <, 超过/高于 >, else =. */
export function comparatorOf(word: string, suffix: string | undefined): PlanTarget['comparator'] {
  // The suffix binds closest: 控制在75%以上 is ≥ 75.
  if (word === '低于') return '<';
  if (suffix === '以上') return '>=';
  if (suffix === '以下' || suffix === '以内' || suffix === '内') return '<=';
  if (word === '超过' || word === '高于') return '>';
  if (['不低于', '不得低于', '不少于', '不得少于', '至少'].includes(word)) return '>=';
  if (['不超过', '不高于', '控制在', '降低到', '下降到'].includes(word)) return '<=';
  return '=';
}

/** Finds the quantified targets in a span of plan text. */
export function findTargets(text: string, taskPath: string[] | null, defaultYear: number | null): PlanTarget[] {
  const out: PlanTarget[] = [];
  const t = halfWidth(text).replace(/％/g, '%');
  const sentences = t.split(/(?<=[。；;])/);
  let carried: number | null = null;
  for (const sent of sentences) {
    // 到2025年 / 2025年年底前 / 至2025年: the year a target is due; it carries over clauses joined by ； and ends with the sentence.
    const ym = /(?:到|至|截至|于|在)?\s*(20\d{2})\s*年(?![—\-–~～])/.exec(sent);
    const year = ym ? Number(ym[1]) : carried ?? defaultYear;
    carried = /[；;]$/.test(sent) ? (ym ? Number(ym[1]) : carried) : null;
    const taken: [number, number][] = [];
    const push = (index: number, span: string, comparator: PlanTarget['comparator'], value: number | number[], unit: string, shown = span) => {
      const end = index + span.length;
      if (taken.some(([a, b]) => index < b && end > a)) return;
      taken.push([index, end]);
      const before = sent.slice(0, index);
      const clause = before.split(/[，,。；;：:]/).pop() ?? '';
      // "签约率、履约率达到90%以上": one target per measure named.
      const parts = clause.replace(METRIC_NOISE, '').split('、').map((x) => x.trim()).filter(Boolean);
      // "100%的乡镇卫生院达到基本标准", "60%以上社区卫生服务中心建成社区医院": the measure follows the number.
      const after = (sent.slice(end).split(/[，,。；;：:]/)[0] ?? '').replace(/^的/, '').trim();
      if (clause.replace(METRIC_NOISE, '').replace(/^(各县区|全市|全县|全区|全省|各地)/, '').trim().length <= 2 && after.length >= 4) {
        out.push({ taskPath, text: shown.trim(), metric: after, comparator, value, unit: unit === '％' ? '%' : unit, year, indicator: matchIndicator(after, unit) });
        return;
      }
      const metrics = parts.length > 1 && parts.every((x) => /(率|比例|占比)$/.test(x) && !/\d/.test(x) && x.length <= 20) ? parts : [(before.split(/[，,。；;：:、]/).pop() ?? '').replace(METRIC_NOISE, '').trim() || null];
      const u = unit === '％' ? '%' : unit;
      for (const metric of metrics) out.push({ taskPath, text: shown.trim(), metric, comparator, value, unit: u, year, indicator: matchIndicator(metric ?? clause, u) });
    };
    let m: RegExpExecArray | null;
    // ranges: 4—5所, 1—1.5‰, 80%-90%
    const range = new RegExp(`${NUM}\\s*(%|‰)?\\s*[-—–~～至到]\\s*${NUM}\\s*(${UNITS})`, 'g');
    while ((m = range.exec(sent))) push(m.index, m[0], 'range', [Number(m[1]), Number(m[3])], m[4]);
    // compound counts: 6类10项
    const compound = /(\d+)\s*类\s*(\d+)\s*项/g;
    while ((m = compound.exec(sent))) push(m.index, m[0], '=', [Number(m[1]), Number(m[2])], '类/项');
    // "100%的乡镇卫生院达到基本标准", "其中30%达到推荐标准": a share of the institutions
    const share = new RegExp(`${NUM}\\s*(%)\\s*(?:的|(?=达到|建成|实现|完成|具备|开展))`, 'g');
    while ((m = share.exec(sent))) push(m.index, m[0].replace(/的$/, ''), '=', Number(m[1]), '%');
    // "达到 / 提高到 / 不低于 … N 单位 (以上|以下|以内|左右)"
    const words = new RegExp(`(${WORDS})(?:[^\\d，,。；;%]{0,8}?)${NUM}\\s*(${UNITS})(以上|以下|以内|内|左右)?`, 'g');
    const wordRe = new RegExp(WORDS);
    while ((m = words.exec(sent))) {
      // "达到推荐标准的不少于3家": the nearer wording governs the number.
      const gap = m[0].slice(m[1].length, m[0].indexOf(m[2], m[1].length));
      if (wordRe.test(gap)) { words.lastIndex = m.index + m[1].length; continue; }
      push(m.index + m[1].length, m[0].slice(m[1].length), comparatorOf(m[1], m[4]), Number(m[2]), m[3]);
    }
    // A bare verb (选派, 建成, 给予 …) states a target only as a yearly or fixed count: 每年选派20名, 每个每年给予1万元.
    const counts = new RegExp(`(每年|每人|每个|每月)[^，,。；;]{0,40}?(${COUNTING})[^\\d，,。；;%]{0,4}?${NUM}\\s*(${UNITS})(左右)?`, 'g');
    while ((m = counts.exec(sent))) {
      const at = m.index + m[0].length - (m[3].length + m[4].length + (m[5]?.length ?? 0));
      push(at, m[0].slice(at - m.index), '=', Number(m[3]), m[4]);
    }
    // bare "N%以上" / "N人以下" / "N名左右" / "N个工作日内"
    const bare = new RegExp(`${NUM}\\s*(${UNITS})\\s*(以上|以下|以内|左右|内)`, 'g');
    while ((m = bare.exec(sent))) push(m.index, m[0], comparatorOf('', m[3]), Number(m[1]), m[2]);
    // 全覆盖 — but not "从注重机构全覆盖向注重服务全覆盖转变", which describes a shift of emphasis
    const full = /([^，,。；;]{2,30}?)(实现|达到)?全覆盖/g;
    while ((m = full.exec(sent))) {
      if (/注重|从[^，,。]*向|转变/.test(m[0]) || /转变/.test(sent.slice(m.index, m.index + m[0].length + 12))) continue;
      push(m.index + m[0].length - 3, '全覆盖', '=', 100, '%', m[0]);
    }
  }
  return out;
}

// ---- the whole document ----

function issuerLine(lines: string[]): string | null {
  return lines.slice(0, 40).find((l) => /^[\u4e00-\u9fa5]{2,30}(人民政府办公室|人民政府办公厅|人民政府)$/.test(l.trim())) ?? null;
}

// "以下任务均需各县区政府负责落实", "以下各项任务各县（区）人民政府均为责任单位，不再一一列出".
const BLANKET = /以下任务均?需?由?([^，。,]*?)(?:负责)?落实/;
const BLANKET_AS = /(?:以下|下列)(?:各项)?(?:任务|工作)[，,]?\s*(各[^，。,；]{1,15}?)(?:均为|均是|为)(?:责任单位|责任主体)/;

/** Parses a plan's plain text. */
export function parsePlanText(text: string): ParsedPlan {
  const lines = cleanLines(text);
  const head = lines.slice(0, 40).join('\n');
  const docNumber = /([\u4e00-\u9fa5]{1,6}〔\d{4}〕\d+号)/.exec(head)?.[1] ?? null;
  const dateM = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(halfWidth(head)) ?? /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(halfWidth(lines.slice(-15).join('\n')));
  const date = dateM ? `${dateM[1]}-${dateM[2].padStart(2, '0')}-${dateM[3].padStart(2, '0')}` : null;
  const planYear = date ? Number(date.slice(0, 4)) : null;
  // The issuer: the signature at the end where there is one (the masthead may add the province: 青海省同仁市…), else the masthead.
  const ISSUER = /^([\u4e00-\u9fa5]{2,30}?(人民政府办公室|人民政府办公厅|人民政府|卫生健康委员会|卫生健康局))(文件)?$/m;
  const mastheads = lines.slice(0, 40).map((l) => ISSUER.exec(l.trim())?.[1]).filter((x): x is string => !!x);
  const signature = lines.slice(-15).map((l) => ISSUER.exec(l.trim())?.[1]).find((x) => x && mastheads.some((h) => h.endsWith(x)));
  const issuer = signature ?? mastheads[0] ?? null;
  // The title: the last short stand-alone line before the first top-level heading that is not the
  // covering notice's furniture (关于印发…的通知, document number, issuer, addressees, date).
  const firstH1 = lines.findIndex((l) => parseHeading(l)?.level === 1);
  const candidates = lines.slice(0, firstH1 > 0 ? firstH1 : 40).filter((l) => l.length >= 6 && l.length <= 60 && !/[。；，,：:]/.test(l) && !/关于印发|〔\d{4}〕|文件$|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日/.test(l) && !/^(各|市|县|区)[^，]*[：:]$/.test(l) && l !== issuerLine(lines));
  const titleLine = candidates[candidates.length - 1] ?? lines[0] ?? '';
  // A title broken over two lines by the conversion: "…医疗卫生" + "服务体系实施方案".
  const ENDS = /(方案|意见|计划|要点|任务|办法|规划|细则|措施|清单)$/;
  const at = lines.indexOf(titleLine);
  const prev = at > 0 ? lines[at - 1] : '';
  const joined = prev && candidates.includes(prev) && !ENDS.test(prev) && ENDS.test(titleLine) && (prev + titleLine).length <= 60 ? prev + titleLine : titleLine;
  const title = joined.replace(/^《|》$/g, '').trim();

  // Walk the body: headings build the path; text and unit lines attach to the current heading.
  interface Node { level: number; number: string; title: string; text: string[]; units: string[]; path: string[]; children: number; deadline: string | null; blanket: string[] }
  const nodes: Node[] = [];
  const stack: Node[] = [];
  let blanket: string[] = [];
  let inLedger = false;
  const ledgerRows: string[] = [];
  const start = Math.max(0, lines.findIndex((l) => l === titleLine));
  for (const line of lines.slice(start + 1)) {
    if (/^(附件|附表)\s*\d*/.test(line) || /^序号[\s|｜]/.test(line) || /^\|?\s*序号\s*\|/.test(line)) inLedger = true;
    if (inLedger) {
      ledgerRows.push(line);
      continue;
    }
    const bl = BLANKET.exec(line) ?? BLANKET_AS.exec(line);
    if (bl) blanket = splitUnits(bl[1]);
    let h = parseHeading(line);
    // "（2） 壮大人才队伍" after "（一）…" with its own numbered items below: a section heading printed with the
    // wrong kind of numeral — it takes the place of （二）, keeping its printed number.
    const section = stack.find((n) => n.level === 2);
    if (h?.level === 4 && section && stack[stack.length - 1].level === 3 && cnNumber(section.number) === Number(h.number) - 1 && !/[。；：:，,]/.test(h.rest) && h.rest.length <= 30) h = { ...h, level: 2 };
    if (h) {
      while (stack.length && stack[stack.length - 1].level >= h.level) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.children++;
      const own = unitClauses(h.rest);
      const { title: t0, text: body } = splitTitle(own.rest);
      const node: Node = { level: h.level, number: h.number, title: t0, text: body ? [body] : [], units: own.units, path: [...(parent?.path ?? []), pathLabel(h)], children: 0, deadline: null, blanket };
      nodes.push(node);
      stack.push(node);
      continue;
    }
    const cur = stack[stack.length - 1];
    if (!cur) continue;
    if (UNIT_LINE.test(line)) {
      cur.units.push(line.replace(/^[（(]|[）)]$/g, ''));
      continue;
    }
    const dl = /^(时限要求|完成时限|完成时间)\s*[：:]\s*(.*)$/.exec(line);
    if (dl) {
      cur.deadline = parseDeadline(dl[2], planYear);
      continue;
    }
    const own = unitClauses(line);
    cur.units.push(...own.units);
    if (own.rest) cur.text.push(own.rest);
  }

  // Tasks: the headings that carry units, plus their siblings at the same depth under the same kind of parent.
  const withUnits = nodes.filter((n) => n.units.length);
  const taskLevels = new Set(withUnits.map((n) => n.level));
  const tasks: PlanTask[] = [];
  for (const n of nodes) {
    if (!taskLevels.has(n.level) || (n.children > 0 && !n.units.length)) continue;
    if (!n.units.length && !withUnits.some((w) => w.level === n.level && w.path.slice(0, -1).join('/') === n.path.slice(0, -1).join('/'))) continue;
    const u = { lead: [] as string[], responsible: [] as string[], cooperating: [] as string[] };
    // Two 配合单位 lines and no 责任单位: the first is a misprinted 责任单位 (a task always has someone responsible).
    const labels = n.units.map((x) => /^(牵头单位|责任单位|责任部门|配合单位|协办单位|参与单位)/.exec(x)?.[1]);
    const misprint = labels.filter((l) => l === '配合单位').length >= 2 && !labels.some((l) => l && l !== '配合单位' && l !== '协办单位' && l !== '参与单位');
    for (const [k, s0] of n.units.entries()) {
      const s = misprint && k === labels.indexOf('配合单位') ? s0.replace(/^配合单位/, '责任单位') : s0;
      const p = parseUnits(s);
      u.lead.push(...p.lead);
      u.responsible.push(...p.responsible);
      u.cooperating.push(...p.cooperating);
    }
    const responsible = [...new Set([...u.lead, ...u.responsible, ...n.blanket])];
    const text = n.text.join('');
    tasks.push({ path: n.path, number: n.number, title: n.title, text, leadUnits: u.lead, responsibleUnits: responsible, cooperatingUnits: [...new Set(u.cooperating)], deadline: n.deadline ?? deadlineIn(text, planYear) });
  }
  // A plan whose body names no units: its appended task table (任务分工表) is the list of tasks; failing
  // that, its deepest headings are, with units left for the reviewer to assign in the preview.
  const fromTable = tasks.length ? [] : ledgerTasks(ledgerRows, planYear);
  if (!tasks.length && fromTable.length) tasks.push(...fromTable);
  else if (!tasks.length) {
    const leaves = nodes.filter((n) => n.children === 0 && n.level > Math.min(...nodes.map((x) => x.level)));
    const level = mostCommon(leaves.map((n) => n.level));
    for (const n of leaves.filter((x) => x.level === level)) {
      const text = n.text.join('');
      tasks.push({ path: n.path, number: n.number, title: n.title, text, leadUnits: [], responsibleUnits: [...n.blanket], cooperatingUnits: [], deadline: n.deadline ?? deadlineIn(text, planYear) });
    }
  }
  const ledgerMatches = fromTable.length ? fromTable.map((task) => ({ task, text: task.text })) : applyLedger(tasks, ledgerRows, planYear);
  // A year in the title (同仁市2021年综合医改重点工作任务) is when its undated targets fall due.
  const titleYear = /(20\d{2})\s*年/.exec(halfWidth(title));
  const defaultYear = titleYear ? Number(titleYear[1]) : null;
  const targets: PlanTarget[] = [];
  for (const n of nodes) {
    const isTask = tasks.some((t) => t.path.join('/') === n.path.join('/'));
    const body = [n.title, ...n.text].join('。');
    targets.push(...findTargets(body, isTask ? n.path : null, defaultYear));
  }
  // Targets stated only in an appended ledger row belong to the task the row was matched to.
  for (const { task, text: rowText } of ledgerMatches) {
    const found = findTargets(rowText, task.path, defaultYear);
    const before = targets.slice();
    for (const t of found) {
      const same = (x: PlanTarget) => x.taskPath?.join('/') === task.path.join('/') && JSON.stringify(x.value) === JSON.stringify(t.value) && x.unit === t.unit;
      if (!before.some(same)) targets.push(t);
    }
  }
  return { title, issuer, docNumber, date, tasks, targets };
}

function mostCommon(xs: number[]): number | undefined {
  const n = new Map<number, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

const cellsOf = (row: string) => row.replace(/^\s*\|/, '').replace(/\|\s*$/, '').split(/\s*[|｜\t]\s*/).map((c) => c.trim());

/** The tasks of an appended task table, its columns found by their headings (序号, 重点工作/工作任务, 责任部门/牵头单位, 配合部门, 时限要求). */
export function ledgerTasks(rows: string[], planYear: number | null): PlanTask[] {
  const headerAt = rows.findIndex((r) => /序号/.test(r) && /(重点工作|工作任务|任务内容|主要任务|工作内容)/.test(r));
  if (headerAt < 0) return [];
  const head = cellsOf(rows[headerAt]);
  const col = (re: RegExp) => head.findIndex((h) => re.test(h));
  const cWork = col(/重点工作|工作任务|任务内容|主要任务|工作内容/), cLead = col(/牵头单位|牵头部门/), cResp = col(/责任部门|责任单位/), cCoop = col(/配合部门|配合单位|协办/), cDue = col(/时限|时间|期限/);
  const units = (c: string | undefined) => (c ? splitUnits(c.replace(/\s+/g, '、')).filter((u) => !/^[-—–－]+$/.test(u)) : []);
  const out: PlanTask[] = [];
  let section: string | null = null;
  for (const r of rows.slice(headerAt + 1)) {
    const c = cellsOf(r);
    if (/^[-:|\s]+$/.test(r)) continue;
    if (c.length && /^[一二三四五六七八九十]+$/.test(c[0])) { section = c[0]; continue; }
    if (!c.length || !/^\d+$/.test(c[0]) || !c[cWork]) continue;
    const work = c[cWork];
    const title = (/^(.{4,40}?)[。；，,]/.exec(work)?.[1] ?? work).replace(/[。；;]$/, '');
    const lead = units(cLead >= 0 ? c[cLead] : undefined);
    out.push({ path: section ? [section, c[0]] : [c[0]], number: c[0], title, text: work, leadUnits: lead, responsibleUnits: [...new Set([...lead, ...units(cResp >= 0 ? c[cResp] : undefined)])],
      cooperatingUnits: units(cCoop >= 0 ? c[cCoop] : undefined), deadline: cDue >= 0 && c[cDue] ? parseDeadline(c[cDue], planYear) : null });
  }
  return out;
}

function deadlineIn(text: string, planYear: number | null): string | null {
  const m = /(\d{4})\s*年\s*(\d{1,2}\s*月)?\s*(底|末)?\s*前\s*(完成|建成|实现)/.exec(halfWidth(text));
  return m ? parseDeadline(m[0], planYear) : null;
}

// An appended ledger (序号 | 重点工作 | 责任部门 | 配合部门 | 时限要求): fills deadlines and units the body left out.
function applyLedger(tasks: PlanTask[], rows: string[], planYear: number | null): { task: PlanTask; text: string }[] {
  const matches: { task: PlanTask; text: string }[] = [];
  const cells = rows.map((r) => r.split(/\s*[|｜\t]\s*/).map((c) => c.trim()).filter(Boolean)).filter((c) => c.length >= 4 && /^\d+$/.test(c[0]));
  for (const c of cells) {
    const work = c[1];
    // A ledger row rewords its task: match by the title, else by a stretch of eight characters both share.
    const windows = Array.from({ length: Math.max(0, work.length - 8) }, (_, i) => work.slice(i, i + 8)).filter((w) => !/[，。、；\s]/.test(w));
    const task = tasks.find((t) => t.title && (work.includes(t.title) || t.title.includes(work.slice(0, 8))))
      ?? tasks.find((t) => windows.some((w) => t.text.includes(w)));
    if (!task) continue;
    matches.push({ task, text: work });
    if (!task.deadline) task.deadline = parseDeadline(c[c.length - 1], planYear);
    if (!task.responsibleUnits.length) task.responsibleUnits = splitUnits(c[2].replace(/\s+/g, '、'));
    if (!task.cooperatingUnits.length && c.length >= 5) task.cooperatingUnits = splitUnits(c[3]);
  }
  return matches;
}
