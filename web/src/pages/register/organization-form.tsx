import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import type { Organization } from '../../api/register-queries';
import { dayFieldProps } from '../../app/date-field';
import { Failure } from '../../app/widgets';
import { showIssuesAtFields } from '../../forms/schema-form';
import { ORGANIZATION_KIND_LABELS, ORGANIZATION_LEVEL_LABELS } from '../../i18n/register-labels';

type Fields = Pick<Organization, 'name' | 'kind' | 'level' | 'parentId' | 'principalLeader' | 'activeFrom'>;
const FIELD_NAMES = ['name', 'kind', 'level', 'parentId', 'principalLeader', 'activeFrom'] as const;

export const optionsOf = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** Registers an organisation, or changes one as its next version (only the fields that changed are sent). */
export function OrganizationForm({ editing, organizations, onDone }: { editing: Organization | null; organizations: Organization[]; onDone: () => void }) {
  const [form] = Form.useForm<Fields>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const save = useMutation<Organization, ApiFailure, Fields>({
    mutationFn: (values) => {
      const fields = { ...values, parentId: values.parentId ?? null, principalLeader: values.principalLeader?.trim() || null };
      if (!editing) return unwrap(api.POST('/api/v1/organizations', { body: { ...fields, activeUntil: null } }));
      const changed = Object.fromEntries(FIELD_NAMES.filter((k) => fields[k] !== editing[k]).map((k) => [k, fields[k]]));
      return unwrap(api.PATCH('/api/v1/organizations/{id}', { params: { path: { id: editing.id } }, body: { ...changed, version: editing.version } }));
    },
    onSuccess: async (saved) => {
      void message.success(editing ? `已修改“${saved.name}”（第 ${saved.version} 版）` : `已登记“${saved.name}”`);
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
      onDone();
    },
    onError: (error) => {
      const left = showIssuesAtFields(form, error);
      setFailure(left.length > 0 || !error.body.details?.issues?.length ? error : null);
    },
  });
  // An organisation cannot sit under itself.
  const parents = organizations.filter((o) => o.id !== editing?.id && o.active).map((o) => ({ value: o.id, label: o.name }));
  return (
    <Form
      form={form}
      // Its own field ids: the page holds other forms whose fields share these names.
      name={editing ? `organization-${editing.id}` : 'organization-new'}
      layout="vertical"
      initialValues={editing ?? { kind: 'party_committee', level: 'county' }}
      onFinish={(values) => save.mutate(values)}
    >
      <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请填写名称' }]}>
        <Input placeholder="例如：自治区交通运输综合行政执法局党委" maxLength={200} />
      </Form.Item>
      <Form.Item name="kind" label="类型" rules={[{ required: true, message: '请选择类型' }]}>
        <Select options={optionsOf(ORGANIZATION_KIND_LABELS)} />
      </Form.Item>
      <Form.Item name="level" label="级别" rules={[{ required: true, message: '请选择级别' }]}>
        <Select options={optionsOf(ORGANIZATION_LEVEL_LABELS)} />
      </Form.Item>
      <Form.Item name="parentId" label="上级党组织">
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={parents} placeholder="无（系统的根）" />
      </Form.Item>
      <Form.Item name="principalLeader" label="主要负责人">
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="activeFrom" label="起始日期" rules={[{ required: true, message: '请选择起始日期' }]} {...dayFieldProps}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Failure error={failure} />
      <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 12 }}>
        保存
      </Button>
    </Form>
  );
}
