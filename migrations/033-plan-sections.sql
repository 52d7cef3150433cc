-- The headings above a plan's tasks (二、主要任务; （一）强化基层医疗卫生资源配置) with their titles, as the plan
-- prints them: the ledger's Excel export writes them as section rows. A JSON array of {path: [...], title}.
ALTER TABLE plans ADD COLUMN sections jsonb NOT NULL DEFAULT '[]'::jsonb;
