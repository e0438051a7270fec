import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Flex, Form, Input, InputNumber, Select, Steps, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap, type ApiFailure } from '../api/client';
import { useRequestId } from '../api/request-id';
import type { paths } from '../api/schema';
import { Failure } from '../app/widgets';
import { showIssuesAtFields } from '../forms/schema-form';
import { ROLE_LABELS } from '../i18n/labels';
import { STAGES, type StageId } from '../model';
import { APPROVER_ROLES } from '../../../workflows/roles';

type LaunchBody = paths['/api/v1/rounds']['post']['requestBody']['content']['application/json'];

const STEP_TITLES = ['轮次信息', '被巡察单位与巡察组', '审批链与时限', '确认提交'];
/** Which wizard step holds a top-level field of the body, to open it when the server names it. */
const STEP_OF_FIELD: Record<string, number> = { name: 0, year: 0, plannedStart: 0, plannedEnd: 0, focus: 0, inspections: 1, approvalChains: 2, stageDueDays: 2, escalateAfterHours: 2 };

const dateProps = {
  getValueProps: (value: string | undefined) => ({ value: value ? dayjs(value) : undefined }),
  normalize: (value: Dayjs | null) => (value ? value.format('YYYY-MM-DD') : undefined),
};

interface DemoPerson {
  sub: string;
  name: string;
  roles: string[];
}

/** The office proposes a round: plan, targets and groups, chains and due days (defaults shown), then one request; the leading group authorises it. */
export function LaunchRoundPage() {
  const [form] = Form.useForm();
  const [step, setStep] = useState(0);
  const [unplaced, setUnplaced] = useState<ApiFailure | null>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const requestId = useRequestId();
  // On the demo server the group is prefilled with the demo people, so a newcomer can launch at once.
  const demo = useQuery({ queryKey: ['demo-people'], queryFn: () => unwrap(api.GET('/api/v1/demo/people')), retry: false, refetchInterval: false });
  const demoPeople: DemoPerson[] = demo.data?.people ?? [];
  // A round picks its focus from the office's list: the server refuses anything else.
  const focusAreas = useQuery({
    queryKey: ['focus-areas'],
    queryFn: () => unwrap(api.GET('/api/v1/focus-areas', { params: { query: { active: 'true' } } })),
    refetchInterval: false,
  });
  const first = (role: string) => demoPeople.find((p) => p.roles.includes(role));

  const launch = useMutation<{ id: string }, ApiFailure, LaunchBody>({
    mutationFn: (body) => unwrap(api.POST('/api/v1/rounds', { body: { ...body, requestId: requestId.id(body) } })),
    onSuccess: async (round) => {
      requestId.settle();
      await queryClient.invalidateQueries({ queryKey: ['rounds'] });
      void navigate(`/rounds/${round.id}`);
    },
    onError: (failure) => {
      if (!failure.retryable) requestId.settle();
      const left = showIssuesAtFields(form, failure);
      const firstField = failure.body.details?.issues?.[0]?.field.split('.')[1];
      if (firstField && STEP_OF_FIELD[firstField] !== undefined) setStep(STEP_OF_FIELD[firstField]);
      setUnplaced(left.length > 0 || !failure.body.details?.issues?.length ? failure : null);
    },
  });

  const next = async () => {
    const names: Record<number, (string | number)[][]> = { 0: [['name'], ['year'], ['plannedStart'], ['plannedEnd']], 1: [['inspections']] };
    try {
      if (names[step]) await form.validateFields(names[step], { recursive: true });
      setStep(step + 1);
    } catch {
      // the form shows what is missing
    }
  };

  const submit = async () => {
    let values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    launch.mutate(toBody(form.getFieldsValue(true) ?? values));
  };

  const year = dayjs().year();
  const leader = first('group_leader');
  const member = first('member');
  const liaison = first('liaison');

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        发起巡察
      </Typography.Title>
      <Steps current={step} onChange={setStep} items={STEP_TITLES.map((title) => ({ title }))} />
      {unplaced && <Failure error={unplaced} title="服务器未接受本轮巡察" />}
      <Form
        form={form}
        layout="vertical"
        key={demo.isPending ? 'loading' : 'ready'}
        initialValues={{
          year,
          focus: ['行政执法', '财政资金使用'],
          inspections: [
            {
              target: { name: '', principalLeader: '', liaison: liaison ? { sub: liaison.sub, name: liaison.name } : undefined },
              group: {
                name: '第一巡察组',
                leader: leader ? { sub: leader.sub, name: leader.name } : undefined,
                members: member ? [{ sub: member.sub, name: member.name, homeUnit: '' }] : [],
              },
            },
          ],
          approvalChains: Object.fromEntries(STAGES.map((s) => [s.id, [...s.approvalChain]])),
          stageDueDays: Object.fromEntries(STAGES.map((s) => [s.id, s.dueDays])),
          escalateAfterHours: 72,
        }}
      >
        <Card style={{ display: step === 0 ? undefined : 'none' }}>
          <Form.Item name="name" label="轮次名称" rules={[{ required: true, message: '请填写轮次名称' }]}>
            <Input placeholder={`例如：${year}年第三轮巡察`} />
          </Form.Item>
          <Form.Item name="year" label="年度" rules={[{ required: true, message: '请填写年度' }]}>
            <InputNumber min={2000} max={2100} />
          </Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="plannedStart" label="计划开始" rules={[{ required: true, message: '请选择计划开始日期' }]} {...dateProps}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="plannedEnd" label="计划结束" rules={[{ required: true, message: '请选择计划结束日期' }]} {...dateProps}>
              <DatePicker />
            </Form.Item>
          </Flex>
          <Form.Item name="focus" label="监督重点">
            <Select mode="multiple" loading={focusAreas.isPending} options={(focusAreas.data?.focusAreas ?? []).map((f) => ({ value: f.name, label: f.name }))} />
          </Form.Item>
        </Card>

        <div style={{ display: step === 1 ? undefined : 'none' }}>
          <Form.List name="inspections">
            {(targets, { add, remove }) => (
              <Flex vertical gap={12}>
                {targets.map((t, index) => (
                  <Card
                    key={t.key}
                    size="small"
                    title={`被巡察单位 ${index + 1}`}
                    extra={targets.length > 1 && <Button type="text" danger icon={<MinusCircleOutlined />} aria-label={`删除被巡察单位 ${index + 1}`} onClick={() => remove(t.name)} />}
                  >
                    <Flex gap={16} wrap>
                      <Form.Item name={[t.name, 'target', 'name']} label="单位名称" rules={[{ required: true, message: '请填写单位名称' }]} style={{ flex: '2 1 280px' }}>
                        <Input />
                      </Form.Item>
                      <Form.Item name={[t.name, 'target', 'principalLeader']} label="主要负责人" rules={[{ required: true, message: '请填写主要负责人' }]} style={{ flex: '1 1 160px' }}>
                        <Input />
                      </Form.Item>
                    </Flex>
                    <Flex gap={16} wrap>
                      <Form.Item name={[t.name, 'target', 'liaison', 'name']} label="联络人姓名" style={{ flex: '1 1 160px' }}>
                        <Input />
                      </Form.Item>
                      <Form.Item name={[t.name, 'target', 'liaison', 'sub']} label="联络人账号" style={{ flex: '1 1 160px' }}>
                        <Input />
                      </Form.Item>
                    </Flex>
                    <Flex gap={16} wrap>
                      <Form.Item name={[t.name, 'group', 'name']} label="巡察组" rules={[{ required: true, message: '请填写巡察组名称' }]} style={{ flex: '1 1 160px' }}>
                        <Input />
                      </Form.Item>
                      <Form.Item name={[t.name, 'group', 'leader', 'name']} label="组长姓名" rules={[{ required: true, message: '请填写组长姓名' }]} style={{ flex: '1 1 160px' }}>
                        <Input />
                      </Form.Item>
                      <Form.Item name={[t.name, 'group', 'leader', 'sub']} label="组长账号" rules={[{ required: true, message: '请填写组长账号' }]} style={{ flex: '1 1 160px' }}>
                        <Input />
                      </Form.Item>
                    </Flex>
                    <Form.List name={[t.name, 'group', 'members']}>
                      {(members, { add: addMember, remove: removeMember }) => (
                        <>
                          {members.map((m, mi) => (
                            <Flex key={m.key} gap={8} wrap align="start">
                              <Form.Item name={[m.name, 'name']} label={`组员 ${mi + 1} 姓名`} rules={[{ required: true, message: '请填写姓名' }]} style={{ flex: '1 1 140px' }}>
                                <Input />
                              </Form.Item>
                              <Form.Item name={[m.name, 'sub']} label="账号" rules={[{ required: true, message: '请填写账号' }]} style={{ flex: '1 1 140px' }}>
                                <Input />
                              </Form.Item>
                              <Form.Item name={[m.name, 'homeUnit']} label="派出单位" style={{ flex: '1 1 140px' }}>
                                <Input />
                              </Form.Item>
                              <Button type="text" danger icon={<MinusCircleOutlined />} aria-label={`删除组员 ${mi + 1}`} onClick={() => removeMember(m.name)} style={{ marginTop: 30 }} />
                            </Flex>
                          ))}
                          <Button type="dashed" icon={<PlusOutlined />} onClick={() => addMember({})}>
                            添加组员
                          </Button>
                        </>
                      )}
                    </Form.List>
                  </Card>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ target: {}, group: { members: [] } })}>
                  添加被巡察单位
                </Button>
              </Flex>
            )}
          </Form.List>
        </div>

        <Card style={{ display: step === 2 ? undefined : 'none' }}>
          <Typography.Paragraph type="secondary">以下为默认审批链与办理时限，可按本轮方案调整。</Typography.Paragraph>
          {STAGES.map((s) => (
            <Flex key={s.id} gap={16} wrap align="start">
              <Form.Item name={['approvalChains', s.id]} label={`${s.title.zh} · 审批链（按顺序）`} style={{ flex: '3 1 320px' }} rules={[{ required: true, message: '至少一位审批人' }]}>
                <Select mode="multiple" options={APPROVER_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
              </Form.Item>
              <Form.Item name={['stageDueDays', s.id]} label="时限（天）" style={{ flex: '1 1 120px' }}>
                <InputNumber min={0.01} max={3650} />
              </Form.Item>
            </Flex>
          ))}
          <Form.Item name="escalateAfterHours" label="审批等待超过多少小时提醒巡察办">
            <InputNumber min={1} max={8760} />
          </Form.Item>
        </Card>

        <Card style={{ display: step === 3 ? undefined : 'none' }}>
          <Form.Item noStyle shouldUpdate>
            {() => {
              const v = form.getFieldsValue(true) as Record<string, unknown> & { inspections?: { target?: { name?: string }; group?: { name?: string } }[] };
              return (
                <Descriptions
                  column={1}
                  size="small"
                  items={[
                    { label: '轮次', children: String(v.name ?? '') },
                    { label: '时间', children: `${String(v.plannedStart ?? '')} 至 ${String(v.plannedEnd ?? '')}` },
                    { label: '被巡察单位', children: (v.inspections ?? []).map((i) => `${i.target?.name ?? ''}（${i.group?.name ?? ''}）`).join('；') },
                  ]}
                />
              );
            }}
          </Form.Item>
          <Alert type="info" showIcon title="提交后，方案报巡察工作领导小组审批；批准后各巡察组即进入巡前准备阶段。" style={{ marginBlock: 12 }} />
        </Card>
      </Form>
      <Flex gap={8}>
        {step > 0 && <Button onClick={() => setStep(step - 1)}>上一步</Button>}
        {step < 3 && (
          <Button type="primary" onClick={() => void next()}>
            下一步
          </Button>
        )}
        {step === 3 && (
          <Button type="primary" loading={launch.isPending} onClick={() => void submit()}>
            提交领导小组审批
          </Button>
        )}
      </Flex>
    </Flex>
  );
}

/** The form's values as the launch body: only the chains and due days that differ from the defaults, no empty liaison. */
function toBody(values: Record<string, unknown>): LaunchBody {
  const chains = (values.approvalChains ?? {}) as Record<StageId, string[]>;
  const dueDays = (values.stageDueDays ?? {}) as Record<StageId, number>;
  const inspections = ((values.inspections ?? []) as LaunchBody['inspections']).map((i) => {
    const liaison = i.target.liaison;
    const members = (i.group.members ?? []).map((m) => ({ ...m, homeUnit: m.homeUnit || undefined }));
    return {
      ...i,
      target: { ...i.target, liaison: liaison?.sub || liaison?.name ? liaison : undefined },
      group: { ...i.group, members },
    };
  });
  const changedChains = Object.fromEntries(
    STAGES.filter((s) => JSON.stringify(chains[s.id]) !== JSON.stringify(s.approvalChain)).map((s) => [s.id, chains[s.id]]),
  );
  const changedDays = Object.fromEntries(STAGES.filter((s) => dueDays[s.id] !== s.dueDays).map((s) => [s.id, dueDays[s.id]]));
  return {
    name: values.name as string,
    year: values.year as number,
    plannedStart: values.plannedStart as string,
    plannedEnd: values.plannedEnd as string,
    focus: (values.focus as string[]) ?? [],
    inspections,
    escalateAfterHours: values.escalateAfterHours as number,
    ...(Object.keys(changedChains).length ? { approvalChains: changedChains as LaunchBody['approvalChains'] } : {}),
    ...(Object.keys(changedDays).length ? { stageDueDays: changedDays } : {}),
  };
}
