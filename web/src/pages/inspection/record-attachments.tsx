import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Popconfirm, Progress, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import { download, formatBytes, uploadAttachment, uploadRefusal, type Attachment, type AttachmentList } from '../../api/files';
import type { InspectionRecord } from '../../api/queries';
import { formatTime } from '../../app/widgets';
import type { Pickers } from '../../forms/schema-form';
import { RECORD_KINDS, recordCaption, type RecordKind, type RecordKindDefinition } from '../../model';

const attachmentsKey = (inspectionId: string, recordId: string) => ['inspection', inspectionId, 'attachments', recordId];

const fetchAttachments = (inspectionId: string, recordId: string) =>
  unwrap(api.GET('/api/v1/inspections/{id}/records/{recordId}/attachments', { params: { path: { id: inspectionId, recordId } } }));

/** The media type in the words of the people who file it. */
function typeLabel(mediaType: string): string {
  if (mediaType === 'application/pdf') return 'PDF';
  if (mediaType.startsWith('image/')) return `图片（${mediaType.slice(6).toUpperCase()}）`;
  if (mediaType.startsWith('audio/')) return '录音';
  if (mediaType.includes('wordprocessingml') || mediaType === 'application/msword') return 'Word 文档';
  if (mediaType.includes('spreadsheetml') || mediaType === 'application/vnd.ms-excel') return 'Excel 表格';
  if (mediaType === 'application/vnd.ms-works') return 'WPS 文档';
  if (mediaType === 'text/plain') return '纯文本';
  return mediaType;
}

function DownloadButton({ inspectionId, file }: { inspectionId: string; file: Attachment }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="small"
      loading={busy}
      aria-label={`下载 ${file.name}`}
      onClick={() => {
        setBusy(true);
        download(`/api/v1/inspections/${inspectionId}/records/${file.recordId}/attachments/${file.id}`, file.name)
          .catch((failure: ApiFailure) => void message.error(`下载失败：${failure.message}`))
          .finally(() => setBusy(false));
      }}
    >
      下载
    </Button>
  );
}

/** Files as a table: name, size, type, who uploaded it and when, a download; `about` names each file's record. */
function FileTable({ inspectionId, files, about, remove }: {
  inspectionId: string;
  files: Attachment[];
  about?: (file: Attachment) => string;
  remove?: (file: Attachment) => void;
}) {
  return (
    <Table
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={files}
      scroll={{ x: 720 }}
      columns={[
        ...(about ? [{ title: '记录', key: 'record', render: (_: unknown, f: Attachment) => about(f) }] : []),
        { title: '文件名', key: 'name', render: (_, f) => <span style={{ wordBreak: 'break-all' }}>{f.name}</span> },
        { title: '大小', key: 'size', width: 90, render: (_, f) => formatBytes(f.size) },
        { title: '类型', key: 'type', width: 110, render: (_, f) => typeLabel(f.mediaType) },
        { title: '上传人', key: 'by', width: 90, render: (_, f) => f.uploadedBy.name },
        { title: '上传时间', key: 'at', width: 140, render: (_, f) => formatTime(f.uploadedAt) },
        {
          title: '操作',
          key: 'actions',
          width: remove ? 130 : 80,
          render: (_, f) => (
            <Flex gap={4}>
              <DownloadButton inspectionId={inspectionId} file={f} />
              {remove && (
                <Popconfirm title="移除此文件？" description="记录将形成不含此文件的新版本，原版本仍保留该文件。" onConfirm={() => remove(f)}>
                  <Button size="small" danger>
                    移除
                  </Button>
                </Popconfirm>
              )}
            </Flex>
          ),
        },
      ]}
    />
  );
}

/**
 * A record's evidence files: the list, and (while its stage is open, for whoever may
 * write the record) upload by click or drag with a progress bar, and removal. The
 * server's refusal (too large, not evidence, stage frozen) is shown in words.
 */
export function RecordAttachments({ inspectionId, record, stageOpen, mayWrite }: {
  inspectionId: string;
  record: InspectionRecord;
  /** Whether the record's stage still takes writes; a frozen stage's files are read-only. */
  stageOpen: boolean;
  mayWrite: boolean;
}) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [percent, setPercent] = useState<number | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const files = useQuery({ queryKey: attachmentsKey(inspectionId, record.id), queryFn: () => fetchAttachments(inspectionId, record.id) });
  const writable = stageOpen && mayWrite;

  const settle = async (list: AttachmentList) => {
    queryClient.setQueryData(attachmentsKey(inspectionId, record.id), list);
    // A new file is a new version of the record: a confirmed paper goes back to review.
    await queryClient.invalidateQueries({ queryKey: ['inspection', inspectionId] });
  };
  const upload = useMutation<AttachmentList, ApiFailure, File>({
    mutationFn: (file) => {
      setRefusal(null);
      setPercent(0);
      return uploadAttachment(inspectionId, record.id, file, setPercent);
    },
    onSuccess: async (list, file) => {
      void message.success(`已上传“${file.name}”`);
      await settle(list);
    },
    onError: (failure, file) => setRefusal(`“${file.name}”未能上传：${uploadRefusal(failure)}`),
    onSettled: () => setPercent(null),
  });
  const remove = useMutation<AttachmentList, ApiFailure, Attachment>({
    mutationFn: (file) =>
      unwrap(
        api.DELETE('/api/v1/inspections/{id}/records/{recordId}/attachments/{attachmentId}', {
          params: { path: { id: inspectionId, recordId: record.id, attachmentId: file.id }, query: { version: files.data?.recordVersion ?? record.version } },
        }),
      ),
    onSuccess: async (list, file) => {
      void message.success(`已移除“${file.name}”`);
      await settle(list);
    },
    onError: (failure) => setRefusal(failure.message),
  });

  const list = files.data?.attachments ?? [];
  return (
    <section aria-label="证据材料文件" data-testid="record-attachments">
      <Typography.Title level={5} style={{ marginBlock: '16px 8px' }}>
        证据材料文件（{list.length}）
      </Typography.Title>
      <Flex vertical gap={8}>
        {files.isError ? (
          <Alert type="warning" showIcon title={`无法读取文件：${(files.error as ApiFailure).message}`} />
        ) : list.length > 0 ? (
          <FileTable inspectionId={inspectionId} files={list} remove={writable ? (f) => remove.mutate(f) : undefined} />
        ) : (
          !files.isPending && <Typography.Text type="secondary">尚无文件。</Typography.Text>
        )}
        {writable && (
          <Upload.Dragger
            multiple={false}
            showUploadList={false}
            disabled={upload.isPending}
            // The server reads the type from the bytes; nothing is refused here by its name.
            customRequest={({ file }) => upload.mutate(file as File)}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined aria-hidden />
            </p>
            <p className="ant-upload-text">点击或拖入文件上传（谈话笔录、凭证扫描件、照片、录音等）</p>
            <p className="ant-upload-hint">接受 PDF、图片、Word、Excel、WPS 文档、纯文本和录音；可执行文件和压缩包不予接收。</p>
          </Upload.Dragger>
        )}
        {percent !== null && <Progress percent={percent} size="small" aria-label="上传进度" />}
        {refusal && <Alert type="error" showIcon role="alert" title={refusal} data-testid="upload-refusal" closable={{ onClose: () => setRefusal(null) }} />}
        {!stageOpen && <Typography.Text type="secondary">本记录所在阶段已提交或结束，文件只读。</Typography.Text>}
      </Flex>
    </section>
  );
}

/** The files of several records at once (one request each, shared with each record's own list). */
function useFilesOf(inspectionId: string, recordIds: string[]) {
  return useQueries({
    queries: recordIds.map((recordId) => ({
      queryKey: attachmentsKey(inspectionId, recordId),
      queryFn: () => fetchAttachments(inspectionId, recordId),
      // Many at once: no polling; a focus or an upload refreshes them.
      refetchInterval: false as const,
      staleTime: 30_000,
      retry: false,
    })),
  });
}

/** Every file of `records`, each with the record it belongs to: what an approver or a paper's reader checks. */
export function FilesOfRecords({ inspectionId, records, empty }: { inspectionId: string; records: InspectionRecord[]; empty: string }) {
  const answers = useFilesOf(inspectionId, records.map((r) => r.id));
  const byId = new Map(records.map((r) => [r.id, r]));
  const files = answers.flatMap((a) => a.data?.attachments ?? []);
  if (answers.some((a) => a.isPending)) return <Typography.Text type="secondary">正在读取文件…</Typography.Text>;
  if (files.length === 0) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  return <FileTable inspectionId={inspectionId} files={files} about={(f) => (byId.get(f.recordId) ? recordCaption(byId.get(f.recordId)!) : '—')} />;
}

/**
 * The kind's pickers, with each evidence record's files counted in its label: a paper's
 * author sees which talks and reviews carry the signed transcript or the scans.
 */
export function useEvidencePickersWithFiles(inspectionId: string, kind: RecordKind, pickers: Pickers): Pickers {
  const paths = ((RECORD_KINDS[kind] as RecordKindDefinition).references ?? []).filter((r) => r.to === 'evidence').map((r) => r.path);
  const ids = [...new Set(paths.flatMap((p) => (pickers[p] ?? []).map((o) => o.value)))];
  const answers = useFilesOf(inspectionId, ids);
  if (paths.length === 0) return pickers;
  const counts = new Map(ids.map((id, i) => [id, answers[i]?.data?.attachments.length]));
  const labelled: Pickers = { ...pickers };
  for (const path of paths) {
    labelled[path] = (pickers[path] ?? []).map((o) => {
      const count = counts.get(o.value);
      return count === undefined ? o : { ...o, label: `${o.label}${count > 0 ? `（附 ${count} 个文件）` : '（无文件）'}` };
    });
  }
  return labelled;
}

/** For a record that cites evidence (a problem paper): the files of the records it cites. */
export function CitedEvidenceFiles({ inspectionId, record, records }: { inspectionId: string; record: InspectionRecord; records: InspectionRecord[] }) {
  const cited = (record.data as { evidence?: unknown }).evidence;
  if (!Array.isArray(cited) || cited.length === 0) return null;
  const citedRecords = records.filter((r) => cited.includes(r.id));
  return (
    <section aria-label="所引证据的文件">
      <Typography.Title level={5} style={{ marginBlock: '16px 8px' }}>
        所引证据的文件
      </Typography.Title>
      <FilesOfRecords inspectionId={inspectionId} records={citedRecords} empty="所引证据记录均未附文件。" />
    </section>
  );
}
