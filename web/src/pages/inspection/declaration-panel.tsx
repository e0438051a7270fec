import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, Radio, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import type { Answer } from '../../api/queries';
import { useRequestId } from '../../api/request-id';
import { Failure, formatTime, tone } from '../../app/widgets';
import type { Person } from '../../auth/session';

type Declaration = Answer<'/api/v1/inspections/{id}/declaration'>;

/** The caller's own declaration page: asked only once the inspection itself has refused them (403). */
export const useDeclaration = (id: string, enabled: boolean) =>
  useQuery({
    queryKey: ['inspection', id, 'declaration'],
    enabled,
    retry: false,
    queryFn: () => unwrap(api.GET('/api/v1/inspections/{id}/declaration', { params: { path: { id } } })),
  });

const STANDING: Record<Declaration['standing'], { type: 'info' | 'warning' | 'error' | 'success'; title: string; description: string }> = {
  undeclared: {
    type: 'info',
    title: '请先进行回避申报',
    description:
      '您已被列为本巡察组成员。请如实申报与被巡察党组织、其主要负责人及延伸巡察单位之间是否存在需回避的关系；巡察办作出决定前，您看不到本巡察的任何工作材料。',
  },
  pending: { type: 'warning', title: '回避申报已提交，等待巡察办决定', description: '巡察办决定“无需回避”后，您即可进入本巡察开展工作。' },
  recused: { type: 'error', title: '巡察办已决定您对本巡察需回避', description: '您不再参与本巡察，也不能查看本巡察的任何材料。' },
  cleared: { type: 'success', title: '无需回避', description: '请刷新页面进入本巡察。' },
};

const DECISION_LABELS: Record<string, { text: string; color: string }> = {
  pending: { text: '待决定', color: 'orange' },
  recused: { text: '需回避', color: 'red' },
  not_recused: { text: '无需回避', color: 'green' },
};

/**
 * 回避申报 for a member the inspection keeps out: who is inspected and by which group,
 * where they stand, their declarations and, until they have declared, the form.
 */
export function DeclarationPanel({ declaration, person }: { declaration: Declaration; person: Person }) {
  const { target, group } = declaration;
  const standing = STANDING[declaration.standing];
  return (
    <Flex vertical gap={16} data-testid="declaration-page">
      <Typography.Title level={2} style={{ margin: 0 }}>
        {target.name}
      </Typography.Title>
      <Card size="small">
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            { label: '巡察轮次', children: declaration.roundName },
            { label: '巡察组', children: `${group.name}（组长 ${group.leader.name}）` },
            { label: '被巡察党组织', children: `${target.name}（主要负责人 ${target.principalLeader}）` },
            {
              label: '延伸巡察',
              children: target.extensions.length ? target.extensions.map((e) => `${e.name}（${e.principalLeader}）`).join('、') : '无',
            },
          ]}
        />
      </Card>
      <Alert type={standing.type} showIcon title={standing.title} description={standing.description} data-testid="declaration-standing" />
      {declaration.standing === 'undeclared' && declaration.state === 'open' && <DeclarationForm inspectionId={declaration.inspectionId} person={person} />}
      {declaration.declarations.length > 0 && (
        <Card size="small" title="我的回避申报">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={declaration.declarations}
            columns={[
              { title: '申报时间', render: (_, d) => formatTime(d.createdAt) },
              { title: '是否存在需回避的关系', render: (_, d) => (d.data.hasRelation ? '是' : '否') },
              { title: '关系说明', render: (_, d) => String(d.data.relation ?? '—') },
              {
                title: '巡察办决定',
                render: (_, d) => {
                  const label = DECISION_LABELS[d.decisionStatus ?? 'pending'] ?? { text: String(d.decisionStatus), color: 'default' };
                  return (
                    <>
                      <Tag color={tone(label.color)}>{label.text}</Tag>
                      {d.decision && `${d.decision.by.name}，${formatTime(d.decision.at)}`}
                    </>
                  );
                },
              },
            ]}
          />
        </Card>
      )}
    </Flex>
  );
}

function DeclarationForm({ inspectionId, person }: { inspectionId: string; person: Person }) {
  const [form] = Form.useForm<{ hasRelation: boolean; relation?: string }>();
  const hasRelation = Form.useWatch('hasRelation', form);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = useRequestId();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const declare = useMutation<unknown, ApiFailure, { hasRelation: boolean; relation?: string }>({
    mutationFn: ({ hasRelation, relation }) => {
      const data = { memberSub: person.sub, hasRelation, ...(hasRelation ? { relation } : {}) };
      return unwrap(
        api.POST('/api/v1/inspections/{id}/records', {
          params: { path: { id: inspectionId }, header: { 'idempotency-key': key.id(data) } },
          body: { kind: 'recusal_declaration', data },
        }),
      );
    },
    onSuccess: async () => {
      key.settle();
      setFailure(null);
      void message.success('已提交回避申报');
      await queryClient.invalidateQueries({ queryKey: ['inspection', inspectionId] });
    },
    onError: (error) => {
      if (!error.retryable) key.settle();
      setFailure(error);
    },
  });
  return (
    <Card size="small" title="回避申报">
      <Form form={form} layout="vertical" onFinish={(values) => declare.mutate(values)} initialValues={{ hasRelation: false }}>
        <Form.Item name="hasRelation" label="是否与被巡察党组织、其主要负责人或延伸巡察单位存在需回避的关系" rules={[{ required: true }]}>
          <Radio.Group
            options={[
              { value: false, label: '否' },
              { value: true, label: '是' },
            ]}
          />
        </Form.Item>
        {hasRelation && (
          <Form.Item name="relation" label="关系说明" rules={[{ required: true, message: '请说明与被巡察单位的关系' }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {failure && <Failure error={failure} title="申报未能提交" />}
        <Button type="primary" htmlType="submit" loading={declare.isPending}>
          提交申报
        </Button>
      </Form>
    </Card>
  );
}
