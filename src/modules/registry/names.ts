// Pinyin search keys for Chinese names (surname readings included: 单 shan, 曾 zeng …).
import { pinyin } from 'pinyin-pro';

/** Full pinyin without tones or spaces, and the initials: 张三 → { full: 'zhangsan', initials: 'zs' }. */
export function pinyinKeys(name: string): { full: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', v: true }) as string[];
  const clean = syllables.map((s) => s.toLowerCase().replace(/[^a-z]/g, '')).filter(Boolean);
  return { full: clean.join(''), initials: clean.map((s) => s[0]).join('') };
}
