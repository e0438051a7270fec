import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input } from 'antd';
import { useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import type { Organization } from '../../api/register-queries';
import { dayFieldProps } from '../../app/date-field';
import { Failure } from '../../app/widgets';
import { showIssuesAtFields } from '../../forms/schema-form';

/** Ends an organisation: it stays in the register, its history and the coverage it counted in. */
export function OrganizationDeactivation({ organization, onDone }: { organization: Organization; onDone: () => void }) {
  const [form] = Form.useForm<{ activeUntil: string; reason: string }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const deactivate = useMutation<Organization, ApiFailure, { activeUntil: string; reason: string }>({
    mutationFn: (values) =>
      unwrap(api.POST('/api/v1/organizations/{id}/deactivation', { params: { path: { id: organization.id } }, body: { ...values, version: organization.version } })),
    onSuccess: async () => {
      void message.success(`已撤销“${organization.name}”`);
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
      onDone();
    },
    onError: (error) => {
      const left = showIssuesAtFields(form, error);
      setFailure(left.length > 0 || !error.body.details?.issues?.length ? error : null);
    },
  });
  return (
    <Form form={form} layout="vertical" onFinish={(values) => deactivate.mutate(values)}>
      <p>撤销后单位仍保留在名录和履历中，不会删除；此前的巡察覆盖照常计算。</p>
      <Form.Item name="activeUntil" label="终止日期" rules={[{ required: true, message: '请选择终止日期' }]} {...dayFieldProps}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="reason" label="撤销原因" rules={[{ required: true, whitespace: true, message: '请填写撤销原因，例如机构改革、合并' }]}>
        <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
      </Form.Item>
      <Failure error={failure} />
      <Button danger type="primary" htmlType="submit" loading={deactivate.isPending}>
        撤销
      </Button>
    </Form>
  );
}
