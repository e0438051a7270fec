import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Drawer, Flex, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import type { Inspection, InspectionRecord } from '../../api/queries';
import { useRequestId } from '../../api/request-id';
import type { paths } from '../../api/schema';
import recordSchemas from '../../api/record-schemas.json';
import { Failure, formatTime, tone } from '../../app/widgets';
import { hasRole, type Person } from '../../auth/session';
import { SchemaFields, showIssuesAtFields, type JsonSchema } from '../../forms/schema-form';
import { DECISION_ANSWER_LABELS, DECISION_LABELS, REVIEW_LABELS } from '../../i18n/labels';
import { canWrite, DEFAULT_DECISION_ANSWERS, isGroupLeaderOf, kindTitle, pickersFor, RECORD_KINDS, recordCaption, type RecordKind, type RecordKindDefinition } from '../../model';
import { RecordData } from './record-data';
import { CitedEvidenceFiles, RecordAttachments, useEvidencePickersWithFiles } from './record-attachments';

type Decision = paths['/api/v1/inspections/{id}/records/{recordId}/decision']['post']['requestBody']['content']['application/json']['decision'];
type NewRecord = paths['/api/v1/inspections/{id}/records']['post']['requestBody']['content']['application/json'];
const SCHEMAS = recordSchemas as unknown as Record<string, JsonSchema>;

/** One record kind of a stage: its records, and (while its stage is open) the form to add one. */
export function RecordKindCard({ kind, inspection, records, person, writable }: {
  kind: RecordKind;
  inspection: Inspection;
  records: InspectionRecord[];
  person: Person;
  writable: boolean;
}) {
  const [adding, setAdding] = useState(false);
  const [viewing, setViewing] = useState<InspectionRecord | null>(null);
  const ofKind = records.filter((r) => r.kind === kind);
  const definition = RECORD_KINDS[kind] as RecordKindDefinition;
  const mayWrite = writable && canWrite(kind, person, inspection.group);

  return (
    <Card
      size="small"
      title={
        <h4 style={{ margin: 0 }}>
          {kindTitle(kind)} <Tag>{ofKind.length}</Tag>
        </h4>
      }
      extra={
        mayWrite && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            新增{kindTitle(kind)}
          </Button>
        )
      }
      data-testid={`kind-${kind}`}
    >
      {ofKind.length > 0 && (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={ofKind}
          scroll={{ x: 600 }}
          columns={[
            { title: '内容', render: (_, r) => <a onClick={() => setViewing(r)}>{recordCaption(r, inspection.group).replace(/^[^：]+：/, '')}</a> },
            {
              title: '状态',
              width: 110,
              render: (_, r) =>
                r.reviewStatus ? (
                  <Tag color={tone(r.reviewStatus === 'confirmed' ? 'green' : r.reviewStatus === 'returned' ? 'red' : 'orange')}>{REVIEW_LABELS[r.reviewStatus]}</Tag>
                ) : r.decisionStatus ? (
                  <Tag color={tone(r.decisionStatus === 'approved' || r.decisionStatus === 'not_recused' ? 'green' : r.decisionStatus === 'pending' ? 'orange' : 'red')}>{DECISION_LABELS[r.decisionStatus]}</Tag>
                ) : (
                  '—'
                ),
            },
            { title: '记录人', width: 100, render: (_, r) => r.updatedBy.name },
            { title: '时间', width: 150, render: (_, r) => formatTime(r.updatedAt) },
            {
              title: '操作',
              width: 170,
              render: (_, r) => (
                <RecordActions record={r} inspection={inspection} person={person} definition={definition} />
              ),
            },
          ]}
        />
      )}
      <Drawer open={adding} onClose={() => setAdding(false)} title={`新增${kindTitle(kind)}`} size="large" destroyOnHidden>
        <NewRecordForm kind={kind} inspection={inspection} records={records} onDone={() => setAdding(false)} />
      </Drawer>
      <Drawer open={!!viewing} onClose={() => setViewing(null)} title={kindTitle(kind)} size="large">
        {viewing && (
          <>
            <RecordData data={viewing.data as Record<string, unknown>} records={records} />
            <RecordAttachments inspectionId={inspection.id} record={viewing} stageOpen={writable} mayWrite={canWrite(kind, person, inspection.group)} />
            <CitedEvidenceFiles inspectionId={inspection.id} record={viewing} records={records} />
          </>
        )}
      </Drawer>
    </Card>
  );
}

function NewRecordForm({ kind, inspection, records, onDone }: { kind: RecordKind; inspection: Inspection; records: InspectionRecord[]; onDone: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = useRequestId();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const pickers = useEvidencePickersWithFiles(inspection.id, kind, pickersFor(kind, records, inspection.group));
  const create = useMutation<unknown, ApiFailure, Record<string, unknown>>({
    mutationFn: (data) =>
      unwrap(
        api.POST('/api/v1/inspections/{id}/records', {
          params: { path: { id: inspection.id }, header: { 'idempotency-key': key.id({ kind, data }) } },
          body: { kind, data } as NewRecord,
        }),
      ),
    onSuccess: async () => {
      key.settle();
      void message.success(`已保存${kindTitle(kind)}`);
      await queryClient.invalidateQueries({ queryKey: ['inspection', inspection.id] });
      onDone();
    },
    onError: (error) => {
      if (!error.retryable) key.settle();
      const left = showIssuesAtFields(form, error, ['body', 'data']);
      setFailure(left.length > 0 || !error.body.details?.issues?.length ? error : null);
    },
  });
  return (
    <Form form={form} layout="vertical" onFinish={(values: Record<string, unknown>) => create.mutate(values)}>
      <SchemaFields schema={SCHEMAS[kind]!} pickers={pickers} />
      <Failure error={failure} />
      <Button type="primary" htmlType="submit" loading={create.isPending} style={{ marginTop: 12 }}>
        保存
      </Button>
    </Form>
  );
}

/** The group leader's review of a paper, or the office's / leading group's decision on a request. */
function RecordActions({ record, inspection, person, definition }: { record: InspectionRecord; inspection: Inspection; person: Person; definition: RecordKindDefinition }) {
  const { decidedBy, reviewedBy } = definition;
  // A recusal is answered recused / not recused; other requests approve / reject: the stage model says which.
  const answers = Object.keys(definition.decisionAnswers ?? DEFAULT_DECISION_ANSWERS) as Decision[];
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const key = useRequestId();
  const [note, setNote] = useState('');
  const settle = async () => {
    key.settle();
    await queryClient.invalidateQueries({ queryKey: ['inspection', inspection.id] });
  };
  const review = useMutation<unknown, ApiFailure, 'confirm' | 'return'>({
    mutationFn: (decision) =>
      unwrap(
        api.POST('/api/v1/inspections/{id}/records/{recordId}/review', {
          params: { path: { id: inspection.id, recordId: record.id }, header: { 'idempotency-key': key.id({ review: decision, note }) } },
          body: { decision, note },
        }),
      ),
    onSuccess: settle,
    onError: (e) => {
      if (!e.retryable) key.settle();
      void message.error(e.message);
    },
  });
  const decide = useMutation<unknown, ApiFailure, Decision>({
    mutationFn: (decision) =>
      unwrap(
        api.POST('/api/v1/inspections/{id}/records/{recordId}/decision', {
          params: { path: { id: inspection.id, recordId: record.id }, header: { 'idempotency-key': key.id({ decision, comment: note }) } },
          body: { decision, comment: note },
        }),
      ),
    onSuccess: settle,
    onError: (e) => {
      if (!e.retryable) key.settle();
      void message.error(e.message);
    },
  });
  // The leader confirms the group's papers (a deputy, or the office, confirms the leader's own); the office reviews the target's documents.
  const ownPaper = record.createdBy.sub === person.sub;
  const deputy = inspection.group.deputies.some((d) => d.sub === person.sub);
  const mayReview =
    reviewedBy === 'group_leader'
      ? !ownPaper && (isGroupLeaderOf(person, inspection.group) || deputy || (hasRole(person, 'office') && record.createdBy.sub === inspection.group.leader.sub))
      : !!reviewedBy && person.roles.includes(reviewedBy);
  if (record.reviewStatus === 'pending' && mayReview) {
    return (
      <Space wrap>
        <Button size="small" type="primary" loading={review.isPending} onClick={() => review.mutate('confirm')}>
          确认
        </Button>
        <Popconfirm
          title="退回说明"
          description={<Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} aria-label="退回说明" />}
          onConfirm={() => review.mutate('return')}
        >
          <Button size="small" danger>
            退回
          </Button>
        </Popconfirm>
      </Space>
    );
  }
  if (decidedBy && record.decisionStatus === 'pending' && person.roles.includes(decidedBy as never)) {
    return (
      <Space wrap>
        {answers.map((answer, i) => (
          <Button key={answer} size="small" type={i === 0 ? 'primary' : 'default'} loading={decide.isPending && decide.variables === answer} disabled={decide.isPending} onClick={() => decide.mutate(answer)}>
            {DECISION_ANSWER_LABELS[answer] ?? answer}
          </Button>
        ))}
      </Space>
    );
  }
  return <Flex />;
}
