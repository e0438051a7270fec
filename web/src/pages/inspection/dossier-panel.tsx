import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Typography } from 'antd';
import { api, unwrap, type ApiFailure } from '../../api/client';
import { download } from '../../api/files';
import type { Inspection } from '../../api/queries';
import { useRequestId } from '../../api/request-id';
import { Failure, formatTime } from '../../app/widgets';
import { hasRole, type Person } from '../../auth/session';

/** Who reads the sealed dossier (the server says the same): never anyone named in the group. */
export function readsDossier(person: Person, inspection: Inspection): boolean {
  const named = inspection.group.leader.sub === person.sub || inspection.group.members.some((m) => m.sub === person.sub);
  return !named && hasRole(person, 'office', 'leading_group', 'auditor');
}

/** 立卷归档: the office builds and seals the dossier while archiving is open; its readers download it. */
export function DossierPanel({ inspection, person }: { inspection: Inspection; person: Person }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const requestId = useRequestId();
  const status = useQuery({
    queryKey: ['inspection', inspection.id, 'dossier'],
    queryFn: () => unwrap(api.GET('/api/v1/inspections/{id}/dossier', { params: { path: { id: inspection.id } } })),
  });
  const build = useMutation<unknown, ApiFailure>({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/inspections/{id}/dossier', { params: { path: { id: inspection.id } }, body: { requestId: requestId.id() } })),
    onSuccess: async () => {
      requestId.settle();
      void message.success('案卷已生成并封存');
      // Under the inspection's key: the archiving checklist reads the seal too.
      await queryClient.invalidateQueries({ queryKey: ['inspection', inspection.id] });
    },
    onError: (failure) => {
      if (!failure.retryable) requestId.settle();
    },
  });
  const dossier = status.data?.dossier;
  const canBuild = hasRole(person, 'office') && inspection.stage === 'archiving' && inspection.state === 'open' && !dossier;

  return (
    <Card size="small" title={<h4 style={{ margin: 0 }}>巡察案卷</h4>} data-testid="dossier-panel">
      <Flex vertical gap={12}>
        {status.isError && <Failure error={status.error as ApiFailure} />}
        {build.isError && <Failure error={build.error} />}
        {dossier ? (
          <>
            <Descriptions
              size="small"
              column={1}
              items={[
                { label: '封存时间', children: formatTime(dossier.sealedAt) },
                { label: '立卷人', children: dossier.sealedBy.name },
                { label: '文件数', children: dossier.files },
                { label: '清单摘要（SHA-256）', children: <code style={{ wordBreak: 'break-all' }}>{dossier.manifestSha256}</code> },
              ]}
            />
            <Button
              type="primary"
              onClick={() => void download(dossier.download, dossier.fileName).catch((e: ApiFailure) => void message.error(e.message))}
            >
              下载案卷
            </Button>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              离线校验：npm run verify-dossier -- 案卷.zip
            </Typography.Text>
          </>
        ) : (
          status.data && <Alert type="info" showIcon title="案卷尚未生成" description="整改经领导小组审批后，由巡察办生成并封存案卷，方可提交立卷归档。" />
        )}
        {canBuild && (
          <Button type="primary" loading={build.isPending} onClick={() => build.mutate()}>
            生成案卷
          </Button>
        )}
      </Flex>
    </Card>
  );
}
