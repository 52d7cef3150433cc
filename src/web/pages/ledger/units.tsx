// Departments (units) as records, with the aliases plans print for them (市医保局 = 市医疗保障局).
import { useState } from 'react';
import { Button, Card, Input, Select, Space, Table } from 'antd';
import { useT } from '../../i18n';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';

type Unit = ApiItem<'/api/ledger/units'>;

/** The units page: aliases editable, new units added. */
export function UnitsPage() {
  const t = useT();
  const units = useApiQuery('/api/ledger/units').data?.items;
  const [name, setName] = useState('');
  const aliasMut = useApiMutation('put', '/api/ledger/units/{id}/aliases', { invalidates: ['/api/ledger/units'] });
  const addMut = useApiMutation('post', '/api/ledger/units', { invalidates: ['/api/ledger/units'], onSuccess: () => setName('') });
  const setAliases = (u: Unit, aliases: string[]) => aliasMut.mutate({ params: { path: { id: u.id } }, body: { aliases } });
  const add = () => addMut.mutate({ body: { name: name.trim(), aliases: [] } });
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
