// Departments (units) as records, with the aliases plans print for them (市医保局 = 市医疗保障局).
import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Input, Select, Space, Table } from 'antd';
import { api, errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import type { ApiItem } from '../../api/hooks';

type Unit = ApiItem<'/api/ledger/units'>;

/** The units page: aliases editable, new units added. */
export function UnitsPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const [units, setUnits] = useState<Unit[] | null>(null);
  const [name, setName] = useState('');
  const load = useCallback(async () => setUnits((await api.GET('/api/ledger/units')).data?.items ?? []), []);
  useEffect(() => { void load(); }, [load]);
  const setAliases = async (u: Unit, aliases: string[]) => {
    const r = await api.PUT('/api/ledger/units/{id}/aliases', { params: { path: { id: u.id } }, body: { aliases } });
    if (r.error) return void message.error(errorText(r.error, lang));
    await load();
  };
  const add = async () => {
    const r = await api.POST('/api/ledger/units', { body: { name: name.trim(), aliases: [] } });
    if (r.error) return void message.error(errorText(r.error, lang));
    setName('');
    await load();
  };
  return (
    <Card title={t('ledger.units.title')} extra={<Space><Input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('ledger.units.name')} /><Button onClick={add} disabled={name.trim().length < 2}>{t('ledger.units.add')}</Button></Space>}>
      <Table<Unit> rowKey="id" size="small" loading={!units} dataSource={units ?? []} pagination={{ pageSize: 50 }} data-testid="units" columns={[
        { title: t('ledger.unit'), dataIndex: 'name', width: 260 },
        { title: t('ledger.units.aliases'), render: (_, u) => <Select mode="tags" style={{ width: '100%' }} value={u.aliases} onChange={(v: string[]) => setAliases(u, v)} /> },
        { title: t('ledger.units.tasks'), dataIndex: 'tasks', width: 90 },
        { title: t('ledger.units.users'), dataIndex: 'users', width: 90 },
      ]} />
    </Card>
  );
}
