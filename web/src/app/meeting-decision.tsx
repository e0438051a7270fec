import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input } from 'antd';
import dayjs from 'dayjs';
import { useState, type CSSProperties, type ReactNode } from 'react';
import type { ApiFailure } from '../api/client';
import { useRequestId } from '../api/request-id';
import { showIssuesAtFields } from '../forms/schema-form';
import { Failure } from './widgets';
import { MeetingFields } from './meeting-fields';

export type Decision = 'approve' | 'reject';

export interface Meeting {
  kind: string;
  heldOn: string;
  minutesRef: string;
}

/** What the person entered: the comment, and the meeting when the body decides at one. */
export interface DecisionInput {
  comment?: string;
  meeting?: Meeting;
}

interface MeetingDecisionProps {
  title: ReactNode;
  /** The meeting kind proposed at first; null when the decider acts alone (the office), so no meeting is asked for. */
  meetingKind: string | null;
  approveLabel: string;
  /** Sends the decision. `requestId(body)` keeps one id per intended action (see useRequestId). */
  send: (decision: Decision, input: DecisionInput, requestId: (body: unknown) => string) => Promise<unknown>;
  /** The toast after a decision, keyed so that a double press (one answer, given twice) shows one. */
  success: { key: string; approve: string; reject: string };
  /** What the decision changes; every query when absent. */
  invalidates?: QueryKey;
  /** On a phone the approval page wants big, full-width buttons. */
  large?: boolean;
  testId?: string;
  style?: CSSProperties;
  formStyle?: CSSProperties;
}

/**
 * A collective body's decision (approve, or return with a comment saying what to change), taken at a
 * meeting whose kind, date and minutes it names: the round's plan, a term plan and a stage all end so.
 */
export function MeetingDecision({ title, meetingKind, approveLabel, send, success, invalidates, large, testId, style, formStyle }: MeetingDecisionProps) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const requestId = useRequestId();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const decide = useMutation<unknown, ApiFailure, Decision>({
    mutationFn: (decision) => {
      const values = form.getFieldsValue(true) as DecisionInput;
      return send(decision, { ...(values.comment ? { comment: values.comment } : {}), ...(meetingKind ? { meeting: values.meeting } : {}) }, requestId.id);
    },
    onSuccess: async (_, decision) => {
      requestId.settle();
      setFailure(null);
      void message.success({ key: success.key, content: decision === 'approve' ? success.approve : success.reject });
      await queryClient.invalidateQueries(invalidates ? { queryKey: invalidates } : undefined);
    },
    onError: (error) => {
      // A refusal is an answer: the next press is a new action. A lost answer is retried with the same id.
      if (!error.retryable) requestId.settle();
      const left = showIssuesAtFields(form, error);
      setFailure(left.length > 0 || !error.body.details?.issues?.length ? error : null);
    },
  });
  const act = async (decision: Decision) => {
    try {
      await form.validateFields();
    } catch {
      return;
    }
    // A return must say what to change; the server requires it too, but the form says it at the field.
    if (decision === 'reject' && !String(form.getFieldValue('comment') ?? '').trim()) {
      form.setFields([{ name: 'comment', errors: ['退回时请填写意见，说明需要修改什么'] }]);
      return;
    }
    decide.mutate(decision);
  };
  const button = large ? ({ size: 'large', style: { flex: 1 } } as const) : {};
  return (
    <Card size="small" title={title} data-testid={testId} style={style}>
      <Form form={form} layout="vertical" initialValues={{ meeting: { kind: meetingKind ?? undefined, heldOn: dayjs().format('YYYY-MM-DD') } }} style={formStyle}>
        {meetingKind && <MeetingFields />}
        <Form.Item name="comment" label="审批意见（退回时必填）">
          <Input.TextArea autoSize={{ minRows: large ? 3 : 2 }} />
        </Form.Item>
        <Failure error={failure} />
        <Flex gap={8} style={{ marginTop: 8 }}>
          <Button type="primary" {...button} loading={decide.isPending && decide.variables === 'approve'} disabled={decide.isPending} onClick={() => void act('approve')}>
            {approveLabel}
          </Button>
          <Button danger {...button} loading={decide.isPending && decide.variables === 'reject'} disabled={decide.isPending} onClick={() => void act('reject')}>
            退回
          </Button>
        </Flex>
      </Form>
    </Card>
  );
}
