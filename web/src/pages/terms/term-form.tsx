import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Flex, Form, Input, InputNumber, Select, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import { useOrganizations, type Term } from '../../api/register-queries';
import { useRequestId } from '../../api/request-id';
import { dayFieldProps } from '../../app/date-field';
import { Failure } from '../../app/widgets';
import { showIssuesAtFields } from '../../forms/schema-form';
import { ORGANIZATION_LEVEL_LABELS } from '../../i18n/register-labels';
import { optionsOf } from '../register/organization-form';

interface Plan {
  name: string;
  startsOn: string;
  endsOn: string;
  scope: { rootId?: string | null; levels: Term['scope']['levels'] };
  assignments: { organizationId: string; year: number }[];
}

/**
 * The office's term plan (巡察规划): the term, its scope in the register (a subtree and
 * levels) and which organisation is planned for which year. A new plan goes to the
 * leading group as proposed; a returned one is edited and proposed again.
 */
export function TermForm({ editing, onDone }: { editing: Term | null; onDone: (term: Term) => void }) {
  const [form] = Form.useForm<Plan>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const requestId = useRequestId();
  const organizations = useOrganizations();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const active = (organizations.data?.organizations ?? []).filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }));
  const save = useMutation<Term, ApiFailure, Plan>({
    mutationFn: (plan) => {
      const body = { ...plan, scope: { rootId: plan.scope.rootId ?? null, levels: plan.scope.levels ?? [] }, assignments: (plan.assignments ?? []).map((a) => ({ ...a, roundId: null })) };
      return editing
        ? unwrap(api.PUT('/api/v1/terms/{id}', { params: { path: { id: editing.id } }, body: { ...body, version: editing.version } }))
        : unwrap(api.POST('/api/v1/terms', { body: { ...body, requestId: requestId.id(body) } }));
    },
    onSuccess: async (term) => {
      requestId.settle();
      void message.success(editing ? '已修改并重新提交领导小组审批' : '已提交领导小组审批');
      await queryClient.invalidateQueries({ queryKey: ['terms'] });
      onDone(term);
    },
    onError: (error) => {
      if (!error.retryable) requestId.settle();
      const left = showIssuesAtFields(form, error);
      setFailure(left.length > 0 || !error.body.details?.issues?.length ? error : null);
    },
  });
  const initial: Partial<Plan> = editing
    ? { name: editing.name, startsOn: editing.startsOn, endsOn: editing.endsOn, scope: { rootId: editing.scope.rootId ?? undefined, levels: editing.scope.levels }, assignments: editing.assignments.map(({ organizationId, year }) => ({ organizationId, year })) }
    : { scope: { levels: ['county'] }, assignments: [] };
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={(plan) => save.mutate(plan)}>
      <Form.Item name="name" label="规划名称" rules={[{ required: true, whitespace: true, message: '请填写规划名称' }]}>
        <Input placeholder="例如：第十二届党委任期巡察规划（2021—2025年）" maxLength={200} />
      </Form.Item>
      <Flex gap={12}>
        <Form.Item name="startsOn" label="任期开始" rules={[{ required: true, message: '请选择任期开始日期' }]} style={{ flex: 1 }} {...dayFieldProps}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="endsOn" label="任期结束" rules={[{ required: true, message: '请选择任期结束日期' }]} style={{ flex: 1 }} {...dayFieldProps}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Flex>
      <Form.Item name={['scope', 'rootId']} label="覆盖范围：上级党组织（含其下全部单位）">
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={active} placeholder="整个名录" />
      </Form.Item>
      <Form.Item name={['scope', 'levels']} label="覆盖范围：级别">
        <Select mode="multiple" allowClear options={optionsOf(ORGANIZATION_LEVEL_LABELS)} placeholder="全部级别" />
      </Form.Item>
      <Typography.Title level={5}>年度安排</Typography.Title>
      <Form.List name="assignments">
        {(fields, { add, remove }) => (
          <Flex vertical gap={4}>
            {fields.map((field, i) => (
              <Flex key={field.key} gap={8} align="start">
                <Form.Item name={[field.name, 'organizationId']} label={`第 ${i + 1} 项：单位`} rules={[{ required: true, message: '请选择单位' }]} style={{ flex: 3, marginBottom: 8 }}>
                  <Select showSearch={{ optionFilterProp: 'label' }} options={active} placeholder="选择单位" />
                </Form.Item>
                <Form.Item name={[field.name, 'year']} label={`第 ${i + 1} 项：年度`} rules={[{ required: true, message: '请填写年度' }]} style={{ flex: 1, marginBottom: 8 }}>
                  <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
                </Form.Item>
                <Button type="text" aria-label={`删除第 ${i + 1} 项`} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} style={{ marginTop: 30 }} />
              </Flex>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ year: Number(String(form.getFieldValue('startsOn') ?? '').slice(0, 4)) || new Date().getFullYear() })}
            >
              增加年度安排
            </Button>
          </Flex>
        )}
      </Form.List>
      <div style={{ marginTop: 12 }}>
        <Failure error={failure} />
      </div>
      {/* Not a submit button: Enter in a date or year field must not send a half-written plan. */}
      <Button type="primary" onClick={() => form.submit()} loading={save.isPending} style={{ marginTop: 12 }}>
        {editing ? '保存并重新提交审批' : '提交领导小组审批'}
      </Button>
    </Form>
  );
}
