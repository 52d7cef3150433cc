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

// The labels a plan puts before its units, longest first; 牵头/主责 name the lead, 配合/协办/协作/协同/参与 those who join.
const LABELS = '牵头责任单位|主要责任单位|牵头单位|牵头部门|牵头处室|主责单位|责任单位|责任部门|责任处室|责任科室|责任主体|主要协作单位|协作单位|协同单位|配合单位|配合部门|协办单位|参与单位|参与部门';
const LABEL_AT = new RegExp(`(?<![\\u4e00-\\u9fa5])(?=(?:${LABELS})\\s*[：:])`);
const UNIT_LINE = new RegExp(`^[（(]?\\s*(${LABELS})\\s*[：:]`);
const UNIT_BLOCK = new RegExp(`[（(]\\s*((?:${LABELS})\\s*[：:][^（）()]*?(?:[（(][^（）()]*[）)][^（）()]*?)*)[）)]\\s*$`);

/** What a unit label makes of the units after it: lead, responsible or cooperating. */
export function labelRole(label: string): 'lead' | 'responsible' | 'cooperating' {
  if (/牵头|主责/.test(label)) return 'lead';
  if (/配合|协办|协作|协同|参与/.test(label)) return 'cooperating';
  return 'responsible';
}

// "其余任务由各相关部门按职责分工负责", "以下任务均需各县区政府负责落实", "上述任务各县区人民政府均为责任单位":
// a sentence about who carries out which tasks. Its units go to the tasks it names; it is never a unit.
const BLANKET_SCOPE = '(?<scope>(?:其余|其他|其它|剩余)(?:各项)?(?:重点)?(?:任务|工作)?|(?:以下|下列|上述|以上|各项|所有|全部)(?:各项|所有)?(?:重点)?(?:任务|工作))';
const BLANKET_RE = [
  new RegExp(`${BLANKET_SCOPE}[，,]?\\s*(?:均需|均由|均|需|由|请)*\\s*(?<units>[^，。,；;]{2,40}?)\\s*(?:按照?职责分工|按职责|分别|共同)?\\s*(?:负责落实|负责|落实|牵头|承担)`),
  new RegExp(`${BLANKET_SCOPE}[，,]?\\s*(?<units>各[^，。,；]{1,15}?|[^，。,；]{2,15}?)(?:均为|均是|为)(?:责任单位|责任主体)`),
];

export interface Blanket { scope: 'following' | 'preceding' | 'rest' | 'all'; units: string[] }

/** A blanket clause in a line, if any: whom it names and which tasks it covers (the following, the preceding, the rest, all). */
export function blanketClause(line: string): Blanket | null {
  for (const re of BLANKET_RE) {
    const m = re.exec(line);
    if (!m?.groups) continue;
    const units = m.groups.units.replace(/^(由|需|均)+/, '').split(/[、，,]/).map((u) => u.trim()).filter((u) => u.length >= 2);
    if (!units.length) continue;
    const w = m.groups.scope;
    const scope = /以下|下列/.test(w) ? 'following' : /上述|以上/.test(w) ? 'preceding' : /其余|其他|其它|剩余/.test(w) ? 'rest' : 'all';
    return { scope, units };
  }
  return null;
}
// The head of such a clause is enough to know a part of a unit list is one: "其余任务由各相关部门" once 负责 is cut.
const isBlanket = (s: string) => blanketClause(s) !== null || /^(其余|其他|其它|剩余|以下|下列|上述|以上|各项|所有|全部)(各项|所有)?(重点)?(任务|工作)?[，,]?(均需|均由|均|需|由)/.test(s);

/** Splits a list of units as printed: 、，, and ；separate; trailing "按职责分工负责" and the like go. */
export function splitUnits(s: string): string[] {
  const parts = s.replace(/\s*等?\s*(按照?职责分工负责|按照?职责分工落实|按职责负责|分别负责|负责落实|负责)[。.]?$/, '').split(/([、，,；;])/);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const u = parts[i].trim().replace(/[。.]$/, '');
    // "区直相关部门、单位": a bare generic noun after 、 completes the name before it.
    if (/^(单位|部门|机构)$/.test(u) && out.length && parts[i - 1] === '、') out[out.length - 1] += `、${u}`;
    // A clause about the remaining tasks is not a unit (its units are applied by blanketClause).
    else if (u && u.length <= 40 && !/^[-—–－\s]+$/.test(u) && !isBlanket(u)) out.push(u);
  }
  return out;
}

/** Reads "牵头单位：A；责任单位：B、C；配合单位：D" into lead, responsible and cooperating units. */
export function parseUnits(s: string): { lead: string[]; responsible: string[]; cooperating: string[] } {
  const out = { lead: [] as string[], responsible: [] as string[], cooperating: [] as string[] };
  const parts = s.split(LABEL_AT);
  for (const p of parts) {
    const m = new RegExp(`^(${LABELS})\\s*[：:]\\s*(.*)$`).exec(p.trim().replace(/[；;。]$/, ''));
    if (!m) continue;
    // "宣传处会办公室": the second unit joins the first (会办, 会同).
    const joined = /^([^、，,]{2,12}?[处室科局委办])(?:会同|会)([^、，,]{2,12})$/.exec(m[2].trim());
    if (joined && labelRole(m[1]) !== 'cooperating') {
      (labelRole(m[1]) === 'lead' ? out.lead : out.responsible).push(joined[1]);
      out.cooperating.push(joined[2]);
      continue;
    }
    // "县医保局（牵头）": a lead unit named inside a list.
    const marked = splitUnits(m[2].replace(/[；;]$/, ''));
    const units = marked.map((u) => u.replace(/\s*[（(]牵头[）)]$/, ''));
    out.lead.push(...marked.filter((u) => /[（(]牵头[）)]$/.test(u)).map((u) => u.replace(/\s*[（(]牵头[）)]$/, '')));
    const role = labelRole(m[1]);
    if (role === 'lead') out.lead.push(...units);
    else if (role === 'cooperating') out.cooperating.push(...units);
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
  const trailing = new RegExp(`(^|[。；;！!？?\\s])((?:${LABELS})\\s*[：:].+?)[。.；;]?\\s*$`).exec(rest);
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
const UNITS = '个百分点|百分点|个工作日|工作日|万元|亿元|小时|分钟|%|‰|人次|人|个|所|家|支|名|次|元|张|项|类|天|岁|床|台|倍|种|座|套|批|条|户|例|场';
// The measure words a count is written with (建成3个中心, 实施16个乡镇卫生院改扩建项目).
const MEASURE = '个|所|家|支|名|张|项|类|种|座|台|套|批|条|间|床|辆|户|例|场|人次|人';
const NUM = '(\\d+(?:\\.\\d+)?)';
const WORDS = '力争达到|力争提高到|达到|提高到|提升到|增加到|不得低于|不低于|不得少于|不少于|至少|超过|高于|控制在|降低到|下降到|降至|减少到|不超过|不高于|低于|少于|不足|保持在|稳定在|提高|提升|增加|力争|≥|≤';
// Verbs of building, creating or doing that a count follows.
const COUNTING = '建成|建设|新建|改建|扩建|改扩建|创建|打造|培育|组建|设立|设置|成立|实施|开展|完成|新增|扶持|遴选|认定|配置|配齐|配备|购置|招聘|培训|培养|引进|选派|选拔|下派|派驻|给予|安排|推出|制定|形成|布局|规划建设|确定|建立|提供|举办|发展';
const METRIC_NOISE = /(力争|达到|提高到|提升到|增加到|不得低于|不低于|不得少于|不少于|不超过|不高于|控制在|降低到|下降到|降至|至少|超过|及以上|以上|以下|保持在|稳定在|到20\d{2}年(年底|底)?(前)?|20\d{2}年(年底|底)?(前)?|年底)/g;

/** The comparator a wording states: 以上 ≥ and 以下/以内 ≤ first, then 不低于/不少于/至少 ≥, 不超过/控制在/降低到 ≤, 低于/少于/不足 <, 超过/高于 >, else =. */
export function comparatorOf(word: string, suffix: string | undefined): PlanTarget['comparator'] {
  // The suffix binds closest: 控制在75%以上 is ≥ 75.
  if (word === '低于' || word === '少于' || word === '不足') return '<';
  if (suffix === '以上' || suffix === '及以上') return '>=';
  if (suffix === '以下' || suffix === '及以下' || suffix === '以内' || suffix === '内') return '<=';
  if (word === '超过' || word === '高于') return '>';
  if (['不低于', '不得低于', '不少于', '不得少于', '至少', '≥'].includes(word)) return '>=';
  if (['不超过', '不高于', '控制在', '降低到', '下降到', '降至', '减少到', '≤'].includes(word)) return '<=';
  return '=';
}

/** The due years a span states, by position: 到2025年, 2025年底前, 2024年， govern what follows them in their paragraph; 自2024年起 opens a period with none. */
export function yearMarks(t: string): { at: number; year: number | null }[] {
  const out: { at: number; year: number | null }[] = [];
  const res: [RegExp, boolean][] = [
    [/(?:自|从)\s*(20\d{2})\s*年\s*(?:起|开始|以来)/g, false],
    [/(?:到|至|截至|截止|力争到|力争|于|在)\s*(20\d{2})\s*年(?![—\-–~～\d])/g, true],
    [/(?<![—\-–~～\d])(20\d{2})\s*年\s*(?:\d{1,2}\s*月\s*)?(?:年底|年末|底|末)?\s*(?:前|以前|之前)/g, true],
    [/(?<![—\-–~～\d])(20\d{2})\s*年\s*(?:年底|年末|底|末)/g, true],
    [/(?:^|(?<=[。；;，,\n\s]))(20\d{2})\s*年\s*[，,]/g, true],
  ];
  for (const [re, due] of res) for (const m of t.matchAll(re)) if (!out.some((x) => x.at === m.index)) out.push({ at: m.index, year: due ? Number(m[1]) : null });
  return out.sort((a, b) => a.at - b.at);
}

/** Finds the quantified targets in a span of plan text. */
export function findTargets(text: string, taskPath: string[] | null, defaultYear: number | null): PlanTarget[] {
  const out: PlanTarget[] = [];
  const t = halfWidth(text).replace(/％/g, '%');
  const marks = yearMarks(t);
  // A due year governs the quantities after it in its sentence, and the sentences after it when it leads them: its
  // sentence ends with ； or states no quantity of its own (到2025年底前，…进一步完善。…90%…，…55%左右。). A paragraph ends it.
  let carry: number | null | undefined;
  let base = 0;
  for (const sent of t.split(/(?<=[。；;\n])/)) {
    const offset = base;
    base += sent.length;
    const own = marks.filter((x) => x.at >= offset && x.at < offset + sent.length);
    const yearAt = (pos: number) => {
      const m = own.filter((x) => x.at < pos).pop();
      return m ? m.year : carry !== undefined ? carry : defaultYear;
    };
    const found = out.length;
    const taken: [number, number][] = [];
    const push = (index: number, span: string, comparator: PlanTarget['comparator'], value: number | number[], unit: string, shown = span) => {
      const end = index + span.length;
      if (taken.some(([a, b]) => index < b && end > a)) return;
      taken.push([index, end]);
      const year = yearAt(offset + index);
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
    while ((m = range.exec(sent))) if (!/\d{4}\s*年/.test(m[0])) push(m.index, m[0], 'range', [Number(m[1]), Number(m[3])], m[4]);
    // ratios, kept whole: 医护比不低于1:1.2, 床人比达到1∶1.6 (a measure named …比 before it; a time of day is none)
    const ratio = new RegExp(`比\\s*(${WORDS})?[^\\d，,。；;]{0,4}?${NUM}\\s*[:：∶]\\s*${NUM}(以上|及以上|以下)?`, 'g');
    while ((m = ratio.exec(sent))) push(m.index + 1, m[0].slice(1), comparatorOf(m[1] ?? '', m[4]), [Number(m[2]), Number(m[3])], ':');
    // compound counts, kept whole: 6类10项, 3个中心5个平台 is two counts but 2所10家 one
    const compound = new RegExp(`(\\d+)\\s*(${MEASURE})\\s*(\\d+)\\s*(${MEASURE})`, 'g');
    while ((m = compound.exec(sent))) if (m[2] !== m[4]) push(m.index, m[0], '=', [Number(m[1]), Number(m[3])], `${m[2]}/${m[4]}`);
    // "100%的乡镇卫生院达到基本标准", "其中30%达到推荐标准": a share of the institutions
    const share = new RegExp(`${NUM}\\s*(%)\\s*(?:的|(?=达到|建成|实现|完成|具备|开展))`, 'g');
    while ((m = share.exec(sent))) push(m.index, m[0].replace(/的$/, ''), '=', Number(m[1]), '%');
    // "达到 / 提高到 / 不低于 … N 单位 (以上|以下|以内|左右)"
    const words = new RegExp(`(${WORDS})(?:[^\\d，,。；;%]{0,8}?)${NUM}\\s*(${UNITS})(及以上|及以下|以上|以下|以内|内|左右)?`, 'g');
    const wordRe = new RegExp(WORDS);
    while ((m = words.exec(sent))) {
      // "达到推荐标准的不少于3家": the nearer wording governs the number.
      const gap = m[0].slice(m[1].length, m[0].indexOf(m[2], m[1].length));
      if (wordRe.test(gap)) { words.lastIndex = m.index + m[1].length; continue; }
      if (/\d/.test(sent[m.index + m[0].length] ?? '') || /^\d{4}$/.test(m[2])) continue;
      push(m.index + m[1].length, m[0].slice(m[1].length), comparatorOf(m[1], m[4]), Number(m[2]), m[3]);
    }
    // A count after a verb of building or doing, each of a list: 建成3个中心, 实施16个乡镇卫生院、158个村卫生室改扩建项目, 每年选派20名.
    let clauseAt = 0;
    for (const clause of sent.split(/(?<=[，,。；;：:])/)) {
      const at = clauseAt;
      clauseAt += clause.length;
      const verb = new RegExp(COUNTING).exec(clause);
      if (!verb) continue;
      const count = new RegExp(`(?<![\\d.第])${NUM}\\s*(万元|亿元|元|${MEASURE})(?!\\s*(?:百分点|工作日|\\d))(及以上|以上|左右)?`, 'g');
      count.lastIndex = verb.index;
      while ((m = count.exec(clause))) {
        const lead = clause.slice(0, m.index);
        const word = /(至少|不少于|不低于|不超过|超过|力争)[^\d]{0,6}$/.exec(lead)?.[1] ?? '';
        push(at + m.index, m[0], comparatorOf(word, m[3]), Number(m[1]), m[2]);
      }
    }
    // bare "N%以上" / "N人以下" / "N名左右" / "N个工作日内" (not an age: 65岁及以上老年人)
    const bare = new RegExp(`${NUM}\\s*(${UNITS})\\s*(及以上|及以下|以上|以下|以内|左右|内)`, 'g');
    while ((m = bare.exec(sent))) if (m[2] !== '岁' && !/^\d{4}$/.test(m[1])) push(m.index, m[0], comparatorOf('', m[3]), Number(m[1]), m[2]);
    // 全覆盖 — but not "从注重机构全覆盖向注重服务全覆盖转变", which describes a shift of emphasis
    const full = /([^，,。；;\n]{2,30}?)(实现|达到)?全覆盖/g;
    while ((m = full.exec(sent))) {
      if (/注重|从[^，,。]*向|转变/.test(m[0]) || /转变/.test(sent.slice(m.index, m.index + m[0].length + 12))) continue;
      push(m.index + m[0].length - 3, '全覆盖', '=', 100, '%', m[0]);
    }
    const last = own[own.length - 1];
    const effective = last ? last.year : carry;
    if (/\n$/.test(sent)) carry = undefined;
    else if (/[；;]$/.test(sent)) carry = effective;
    else carry = last && out.length === found ? last.year : undefined;
  }
  return out;
}

// ---- the whole document ----

const DUE_LABELS = '时限要求|完成时限|完成时间|完成期限|时间要求|时间节点|时限';
const DUE_LINE = new RegExp(`^[（(]?\\s*(?:${DUE_LABELS})\\s*[：:]\\s*(.*?)[）)]?$`);
const DUE_INLINE = new RegExp(`[；;，,\\s]*(?:${DUE_LABELS})\\s*[：:]\\s*([^；;）)。]+)`);

// The fields a government web page prints above a document: 名称, 文号, 发布机构, 发文日期, 文章来源 …
const FIELD_KEYS = ['索引号', '发布机构', '发文机关', '生效日期', '废止日期', '发文字号', '文号', '所属主题', '主题分类', '组配分类', '名称', '标题', '分类', '发文日期', '成文日期', '发布日期', '发布时间', '发表时间', '文章来源', '信息来源', '来源', '浏览量', '浏览次数', '责任编辑', '字体'];
const FIELD_RE = new RegExp(`(${FIELD_KEYS.map((k) => k.split('').join('\\s*')).join('|')})\\s*[：:]`, 'g');
const FIELD_LINE = new RegExp(`^[\\s•·|]*(?:${FIELD_KEYS.map((k) => k.split('').join('\\s*')).join('|')})\\s*[：:]`);

/** The metadata fields of a web page's header lines, by key (spaces inside keys removed); an empty field stays empty. */
export function pageFields(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines.slice(0, 20)) {
    if (!FIELD_LINE.test(line)) continue;
    const hits = [...line.matchAll(FIELD_RE)];
    hits.forEach((m, i) => {
      const key = m[1].replace(/\s/g, '');
      const end = i + 1 < hits.length ? hits[i + 1].index : line.length;
      const value = line.slice((m.index ?? 0) + m[0].length, end).replace(/[|｜]/g, ' ').replace(/\s+/g, ' ').trim();
      if (!(key in out)) out[key] = value;
    });
  }
  return out;
}

// A plan's own number: 东政办〔2024〕62号, 某卫发[2023]21号.
const DOC_NO = /[\u4e00-\u9fa5]{1,10}\s*[〔[［]\s*\d{4}\s*[〕\]］]\s*\d+\s*号/;
const ISO_OR_CN_DATE = /(\d{4})\s*(?:年|-|\/|\.)\s*(\d{1,2})\s*(?:月|-|\/|\.)\s*(\d{1,2})/;
const isoDate = (m: RegExpExecArray | null) => (m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : null);
// The words a plan's title ends with.
const ENDS = /(方案|意见|计划|要点|任务|办法|规划|细则|措施|清单|分解|分工|台账|纲要)$/;
// Sections of a plan that frame it and assign nothing: never tasks.
const FRAME = /^(指导思想|基本原则|总体要求|总体目标|工作目标|主要目标|发展目标|目标任务|适用范围|编制依据)$/;

/** The plan's title: a 名称 field, else the last title-like line before the first heading, joined with the lines it was broken from. */
export function planTitle(lines: string[], fields: Record<string, string>, issuer: string | null): { title: string; line: number } {
  const named = fields['名称'] || fields['标题'];
  if (named && named.length >= 4) return { title: named.replace(/^关于印发/, '').replace(/的通知$/, '').replace(/^《|》$/g, '').trim(), line: -1 };
  const firstHeading = lines.findIndex((l) => parseHeading(l) !== null);
  const upto = firstHeading > 0 ? Math.min(firstHeading, 40) : 40;
  // Furniture of the covering notice: 关于印发…的通知, the number, the issuer and signatures, addressees, dates, page fields.
  const isFurniture = (l: string) => /[。；，,：:]/.test(l) || /关于印发|^关于.*的通知$|〔\d{4}〕|文件$|\d{4}\s*年\s*\d{1,2}\s*月|^[•·]/.test(l) || l === issuer || FIELD_LINE.test(l)
    || /(人民政府|办公室|办公厅|委员会|卫生健康局|卫健局|卫健委)$/.test(l);
  const isCandidate = (l: string) => (l.length >= 6 || (l.length >= 4 && ENDS.test(l))) && l.length <= 60 && !isFurniture(l);
  // A line the conversion broke a title into may be short ("共同体建设").
  const isPart = (l: string) => l.length >= 2 && l.length <= 60 && !isFurniture(l);
  const idx = lines.slice(0, upto).map((l, i) => (isCandidate(l) ? i : -1)).filter((i) => i >= 0);
  if (!idx.length) return { title: (lines[0] ?? '').trim(), line: 0 };
  // The title ends with 方案/意见/… ; the last such line, else the last candidate.
  const end = [...idx].reverse().find((i) => ENDS.test(lines[i])) ?? idx[idx.length - 1];
  // A title broken over lines: "…医疗卫生" + "服务体系实施方案" (up to three lines, none of the earlier ones a title by itself).
  let from = end;
  while (from > 0 && end - from < 2 && isPart(lines[from - 1]) && !ENDS.test(lines[from - 1]) && lines.slice(from - 1, end + 1).join('').length <= 60) from--;
  return { title: lines.slice(from, end + 1).join('').replace(/^《|》$/g, '').trim(), line: end };
}

/** Parses a plan's plain text. */
export function parsePlanText(text: string): ParsedPlan {
  const lines = cleanLines(text);
  const fields = pageFields(lines);
  const head = lines.slice(0, 40).join('\n');
  // The plan's own number stands on a line of its own in the issuing header (or in the page's 文号 field);
  // a number inside a sentence is a document the plan cites. A draft has none.
  const ownNumber = lines.slice(0, 40).map((l) => new RegExp(`^\\s*(${DOC_NO.source})\\s*(签发人[：:].*)?$`).exec(l)?.[1]).find((x) => x);
  const fieldNumber = DOC_NO.exec(fields['文号'] ?? fields['发文字号'] ?? '')?.[0];
  const docNumber = (ownNumber ?? fieldNumber ?? null)?.replace(/\s+/g, '') ?? null;
  const cnDate = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/;
  const fieldDate = ['成文日期', '发文日期', '发布日期', '发表时间', '发布时间'].map((k) => isoDate(ISO_OR_CN_DATE.exec(halfWidth(fields[k] ?? '')))).find((x) => x);
  const date = isoDate(cnDate.exec(halfWidth(head))) ?? fieldDate ?? isoDate(cnDate.exec(halfWidth(lines.slice(-15).join('\n'))));
  const planYear = date ? Number(date.slice(0, 4)) : null;
  // The issuer: the signature at the end where there is one (the masthead may add the province: 青海省同仁市…), else
  // the masthead, else the page's 发布机构 / 文章来源.
  const ISSUER = /^([\u4e00-\u9fa5]{2,30}?(人民政府办公室|人民政府办公厅|人民政府|卫生健康委员会|卫生健康局))(文件)?$/m;
  const mastheads = lines.slice(0, 40).map((l) => ISSUER.exec(l.trim())?.[1]).filter((x): x is string => !!x);
  const signature = lines.slice(-15).map((l) => ISSUER.exec(l.trim())?.[1]).find((x) => x && mastheads.some((h) => h.endsWith(x)));
  const ORG = /^[\u4e00-\u9fa5（）()]{2,30}(委员会|政府|办公室|办公厅|局|委|厅|中心|院)$/;
  const fieldIssuer = ['发布机构', '发文机关', '文章来源', '信息来源', '来源'].map((k) => (fields[k] ?? '').split(' ')[0]).find((x) => ORG.test(x));
  const issuer = signature ?? mastheads[0] ?? fieldIssuer ?? null;
  const { title, line: titleAt } = planTitle(lines, fields, lines.slice(0, 40).find((l) => ISSUER.test(l.trim())) ?? null);

  // Walk the body: headings build the path; text and unit lines attach to the current heading.
  interface Node { level: number; number: string; title: string; text: string[]; inline: boolean; units: string[]; path: string[]; children: number; deadline: string | null; blanket: string[] }
  const nodes: Node[] = [];
  const stack: Node[] = [];
  let blanket: string[] = [];
  const later: { blanket: Blanket; section: Node | undefined; after: number }[] = [];
  let inLedger = false;
  const ledgerRows: string[] = [];
  for (const raw of lines.slice(titleAt + 1)) {
    if (/^(附件|附表)\s*\d*/.test(raw) || /^序号[\s|｜]/.test(raw) || /^\|?\s*序号\s*\|/.test(raw)) inLedger = true;
    if (inLedger) {
      ledgerRows.push(raw);
      continue;
    }
    // "时限要求：2025年12月底" on its own line, or "（责任单位：A；完成时限：2024年12月底）" among the units.
    const dueLine = DUE_LINE.exec(raw);
    const inlineDue = dueLine ? null : DUE_INLINE.exec(raw);
    const line = inlineDue ? raw.replace(inlineDue[0], '') : raw;
    const bl = blanketClause(line);
    if (bl?.scope === 'following') blanket = bl.units;
    else if (bl) later.push({ blanket: bl, section: stack[0], after: nodes.length });
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
      const node: Node = { level: h.level, number: h.number, title: t0, text: body ? [body] : [], inline: !!body, units: own.units, path: [...(parent?.path ?? []), pathLabel(h)], children: 0, deadline: null, blanket };
      if (inlineDue) node.deadline = latestDeadline(inlineDue[1], planYear);
      nodes.push(node);
      stack.push(node);
      continue;
    }
    const cur = stack[stack.length - 1];
    if (!cur) continue;
    if (dueLine || inlineDue) cur.deadline = latestDeadline((dueLine ?? inlineDue)?.[1] ?? '', planYear);
    if (dueLine) continue;
    if (UNIT_LINE.test(line)) {
      cur.units.push(line.replace(/^[（(]|[）)]$/g, ''));
      continue;
    }
    if (!line.trim()) continue;
    if (bl && line.replace(/[（()）。\s]/g, '').length <= 60 && !/\d/.test(line)) continue;
    const own = unitClauses(line);
    cur.units.push(...own.units);
    if (own.rest) cur.text.push(own.rest);
  }

  // Tasks: the headings that carry units, plus their siblings at the same depth under the same kind of parent.
  const withUnits = nodes.filter((n) => n.units.length);
  const taskLevels = new Set(withUnits.map((n) => n.level));
  const tasks: PlanTask[] = [];
  const nodeOf = new Map<PlanTask, Node>();
  for (const n of nodes) {
    if (!taskLevels.has(n.level) || (n.children > 0 && !n.units.length)) continue;
    if (!n.units.length && !withUnits.some((w) => w.level === n.level && w.path.slice(0, -1).join('/') === n.path.slice(0, -1).join('/'))) continue;
    const u = { lead: [] as string[], responsible: [] as string[], cooperating: [] as string[] };
    // Two 配合单位 lines and no 责任单位: the first is a misprinted 责任单位 (a task always has someone responsible).
    const labels = n.units.map((x) => new RegExp(`^(${LABELS})`).exec(x)?.[1]);
    const roles = labels.map((l) => (l ? labelRole(l) : undefined));
    const misprint = roles.filter((r) => r === 'cooperating').length >= 2 && !roles.some((r) => r && r !== 'cooperating');
    for (const [k, s0] of n.units.entries()) {
      const s = misprint && k === roles.indexOf('cooperating') ? s0.replace(new RegExp(`^(${LABELS})`), '责任单位') : s0;
      const p = parseUnits(s);
      u.lead.push(...p.lead);
      u.responsible.push(...p.responsible);
      u.cooperating.push(...p.cooperating);
    }
    const responsible = [...new Set([...u.lead, ...u.responsible, ...n.blanket])];
    const text = n.text.join('\n');
    const task: PlanTask = { path: n.path, number: n.number, title: n.title, text, leadUnits: [...new Set(u.lead)], responsibleUnits: responsible, cooperatingUnits: [...new Set(u.cooperating)], deadline: n.deadline ?? deadlineIn([n.title, text].join('\n'), planYear) };
    tasks.push(task);
    nodeOf.set(task, n);
  }
  // A plan whose body names no units: its appended task table (任务分工表) is the list of tasks; failing
  // that, its deepest headings are (not those that frame the plan: 指导思想, 工作目标 …), with units left
  // for the reviewer to assign in the preview.
  const fromTable = tasks.length ? [] : ledgerTasks(ledgerRows, planYear);
  if (!tasks.length && fromTable.length) tasks.push(...fromTable);
  else if (!tasks.length) {
    const leaves = nodes.filter((n) => n.children === 0 && n.level > Math.min(...nodes.map((x) => x.level)) && !FRAME.test(n.title));
    const level = mostCommon(leaves.map((n) => n.level));
    for (const n of leaves.filter((x) => x.level === level)) {
      const text = n.text.join('\n');
      const task: PlanTask = { path: n.path, number: n.number, title: n.title, text, leadUnits: [], responsibleUnits: [...n.blanket], cooperatingUnits: [], deadline: n.deadline ?? deadlineIn([n.title, text].join('\n'), planYear) };
      tasks.push(task);
      nodeOf.set(task, n);
    }
  }
  // Blanket clauses about the preceding, the remaining or all tasks: of the section they stand in when it has tasks, else of the plan.
  for (const { blanket: b, section, after: at } of later) {
    const inSection = (t: PlanTask) => !!section && t.path[0] === section.path[0];
    const scoped = section && tasks.some(inSection) ? tasks.filter(inSection) : tasks;
    const hit = b.scope === 'preceding' ? scoped.filter((t) => { const n = nodeOf.get(t); return !n || nodes.indexOf(n) < at; })
      : b.scope === 'rest' ? scoped.filter((t) => !t.responsibleUnits.length) : scoped;
    for (const t of hit) t.responsibleUnits = [...new Set([...t.responsibleUnits, ...b.units])];
  }
  const ledgerMatches = fromTable.length ? fromTable.map((task) => ({ task, text: task.text })) : applyLedger(tasks, ledgerRows, planYear, new Set(tasks.filter((t) => nodeOf.get(t)?.deadline)));
  // A year in the title (同仁市2021年综合医改重点工作任务) is when its undated targets fall due.
  const titleYear = /(20\d{2})\s*年/.exec(halfWidth(title));
  const defaultYear = titleYear ? Number(titleYear[1]) : null;
  const targets: PlanTarget[] = [];
  for (const n of nodes) {
    const isTask = tasks.some((t) => t.path.join('/') === n.path.join('/'));
    // The heading's title and the text on its line are one paragraph; each further line is another.
    const body = n.inline ? [`${n.title}。${n.text[0]}`, ...n.text.slice(1)].join('\n') : [n.title, ...n.text].join('\n');
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

/** Units as a ledger cell prints them: "应急处、监督处等按职责分工落实"; "宣传处会办公室" — the second joins the first (会办, 会同). */
export function cellUnits(cell: string | undefined): { units: string[]; joining: string[] } {
  if (!cell) return { units: [], joining: [] };
  const joined = /^([^、，,\s]{2,12}?[处室科局委办])(?:会同|会)([^、，,\s]{2,12})$/.exec(cell.trim());
  if (joined) return { units: [joined[1]], joining: [joined[2]] };
  return { units: splitUnits(cell.replace(/\s+/g, '、')).filter((u) => !/^[-—–－]+$/.test(u)), joining: [] };
}

const WORK_COL = /重点工作|工作任务|任务内容|主要任务|工作内容|重点任务/;

/** The rows of an appended task table with their cells under the header's columns; a row printing fewer cells than the
 * widest lacks the merged cells on its left (a group printed once, on the first row of its group), taken from the row above. */
export function ledgerRowsOf(rows: string[]): { head: string[]; rows: string[][] } | null {
  const headerAt = rows.findIndex((r) => /序号/.test(r) && WORK_COL.test(r));
  if (headerAt < 0) return null;
  const head = cellsOf(rows[headerAt]);
  const data = rows.slice(headerAt + 1).filter((r) => !/^[-:|\s]+$/.test(r)).map(cellsOf).filter((c) => c.length >= 2 && /^(\d+|[一二三四五六七八九十]+)$/.test(c[0]));
  const width = Math.min(head.length, Math.max(0, ...data.filter((c) => /^\d+$/.test(c[0])).map((c) => c.length)));
  let prev: string[] = [];
  const out: string[][] = [];
  for (const c of data) {
    if (!/^\d+$/.test(c[0]) || c.length >= width) { out.push(c); if (/^\d+$/.test(c[0])) prev = c; continue; }
    const k = width - c.length;
    const row = [c[0], ...prev.slice(1, 1 + k), ...c.slice(1)];
    out.push(row);
  }
  return { head, rows: out };
}

/** The tasks of an appended task table, its columns found by their headings (序号, 重点工作/工作任务, 细化分工, 责任部门/牵头单位, 配合部门, 时限要求). */
export function ledgerTasks(rows: string[], planYear: number | null): PlanTask[] {
  const table = ledgerRowsOf(rows);
  if (!table) return [];
  const { head } = table;
  const col = (re: RegExp) => head.findIndex((h) => re.test(h));
  const cWork = col(WORK_COL), cDetail = col(/细化分工|具体任务|工作措施|具体措施|任务分解|主要内容/), cLead = col(/牵头单位|牵头部门|牵头处室/),
    cResp = col(/责任部门|责任单位|责任处室|责任科室|主责/), cCoop = col(/配合|协办|协作|参与/), cDue = col(/时限|时间|期限|节点/);
  const out: PlanTask[] = [];
  let section: string | null = null;
  for (const c of table.rows) {
    if (/^[一二三四五六七八九十]+$/.test(c[0])) { section = c[0]; continue; }
    // Where the table splits a group's work (工作任务) into rows of their own (细化分工), a row's task is its own part.
    const work = (cDetail >= 0 && c[cDetail]) || c[cWork];
    if (!work) continue;
    const title = (/^(.{4,40}?)[。；，,]/.exec(work)?.[1] ?? work).replace(/[。；;]$/, '');
    const lead = cellUnits(cLead >= 0 ? c[cLead] : undefined);
    const resp = cellUnits(cResp >= 0 ? c[cResp] : undefined);
    const coop = cellUnits(cCoop >= 0 ? c[cCoop] : undefined);
    out.push({ path: section ? [section, c[0]] : [c[0]], number: c[0], title, text: work, leadUnits: lead.units, responsibleUnits: [...new Set([...lead.units, ...resp.units])],
      cooperatingUnits: [...new Set([...lead.joining, ...resp.joining, ...coop.units])], deadline: cDue >= 0 && c[cDue] ? latestDeadline(c[cDue], planYear) : null });
  }
  return out;
}

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);

/** The latest date a deadline cell or phrase names: "2021年2月公布预算信息，2021年8月公布决算信息" → 2021-08-31, "10月底前" → the plan's year, "长期" → null. */
export function latestDeadline(s: string, planYear: number | null): string | null {
  const t = halfWidth(s);
  const found: string[] = [];
  for (const m of t.matchAll(/(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?/g)) {
    if (!m[0].trim()) continue;
    const y = m[1] ? Number(m[1]) : planYear;
    if (!y || (!m[1] && !m[2])) continue;
    if (m[2] && m[3]) found.push(`${y}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`);
    else if (m[2]) found.push(lastDay(y, Number(m[2])));
    else found.push(`${y}-12-31`);
  }
  return found.sort().pop() ?? null;
}

// "2024年6月底前", "到2025年年底", "2025年年底前": a date by which work is done (a year alone, 到2025年, sets the year of a target, not a deadline).
const DUE_IN_TEXT = /(?<![\d—\-–~～])(\d{4})\s*年\s*(?:(\d{1,2})\s*月(?!\s*\d{1,2}\s*日(?!\s*前)))?\s*(年底|年末|底|末)?\s*(前|以前|之前)?/g;

/** The deadline a task's text sets: the latest of the dates it says work is to be done by. */
export function deadlineIn(text: string, planYear: number | null): string | null {
  void planYear;
  const found: string[] = [];
  for (const m of halfWidth(text).matchAll(DUE_IN_TEXT)) {
    if (!m[2] && !m[3] && !m[4]) continue;
    const y = Number(m[1]);
    found.push(m[2] ? lastDay(y, Number(m[2])) : `${y}-12-31`);
  }
  return found.sort().pop() ?? null;
}

// An appended ledger (序号 | 重点工作 | 责任部门 | 配合部门 | 时限要求): fills units the body left out, and deadlines: a task's
// is the latest of its rows' (the table's column outranks a date in the text; a 时限 line of the task's own outranks both).
function applyLedger(tasks: PlanTask[], rows: string[], planYear: number | null, explicit: Set<PlanTask>): { task: PlanTask; text: string }[] {
  const matches: { task: PlanTask; text: string }[] = [];
  const due = new Map<PlanTask, string[]>();
  const cells = rows.map((r) => r.split(/\s*[|｜\t]\s*/).map((c) => c.trim()).filter(Boolean)).filter((c) => c.length >= 4 && /^\d+$/.test(c[0]));
  for (const c of cells) {
    const work = c[1];
    // A ledger row rewords its task: match by the title, else by a stretch of eight characters both share.
    const windows = Array.from({ length: Math.max(0, work.length - 8) }, (_, i) => work.slice(i, i + 8)).filter((w) => !/[，。、；\s]/.test(w));
    const task = tasks.find((t) => t.title && (work.includes(t.title) || t.title.includes(work.slice(0, 8))))
      ?? tasks.find((t) => windows.some((w) => t.text.includes(w)));
    if (!task) continue;
    matches.push({ task, text: work });
    const d = latestDeadline(c[c.length - 1], planYear);
    if (d) due.set(task, [...(due.get(task) ?? []), d]);
    if (!task.responsibleUnits.length) task.responsibleUnits = splitUnits(c[2].replace(/\s+/g, '、'));
    if (!task.cooperatingUnits.length && c.length >= 5) task.cooperatingUnits = splitUnits(c[3]);
  }
  for (const [task, ds] of due) if (!explicit.has(task)) task.deadline = ds.sort().pop() ?? task.deadline;
  return matches;
}
