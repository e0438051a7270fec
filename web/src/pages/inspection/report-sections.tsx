import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Input } from 'antd';
import { useEffect, useState } from 'react';
import { api, unwrap, type ApiFailure } from '../../api/client';
import { currentSession } from '../../auth/session';
import { REPORT_SECTIONS, WRITTEN_REPORT_SECTIONS } from '../../../../workflows/stages';

/** The report's written sections (while reporting is open) and the assembled report as Word. */
export function ReportSections({ inspectionId, writable }: { inspectionId: string; writable: boolean }) {
  const report = useQuery({
    queryKey: ['inspection', inspectionId, 'report'],
    queryFn: () => unwrap(api.GET('/api/v1/inspections/{id}/report', { params: { path: { id: inspectionId } } })),
    refetchInterval: false,
  });
  const sections = report.data?.sections;
  return (
    <Card size="small" title={<h4 style={{ margin: 0 }}>巡察报告</h4>} extra={<Button onClick={() => void downloadDocx(inspectionId)}>下载 Word 报告</Button>}>
      <Flex vertical gap={12}>
        {WRITTEN_REPORT_SECTIONS.map((id) => (
          <SectionEditor
            key={id}
            inspectionId={inspectionId}
            section={id}
            title={REPORT_SECTIONS.find((s) => s.id === id)!.title}
            initial={sections?.[id]?.text ?? ''}
            writable={writable}
          />
        ))}
      </Flex>
    </Card>
  );
}

function SectionEditor({ inspectionId, section, title, initial, writable }: { inspectionId: string; section: (typeof WRITTEN_REPORT_SECTIONS)[number]; title: string; initial: string; writable: boolean }) {
  const [text, setText] = useState(initial);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  useEffect(() => setText(initial), [initial]);
  const save = useMutation<unknown, ApiFailure>({
    mutationFn: () => unwrap(api.PUT('/api/v1/inspections/{id}/report/sections/{section}', { params: { path: { id: inspectionId, section } }, body: { text } })),
    onSuccess: async () => {
      void message.success(`已保存“${title}”`);
      await queryClient.invalidateQueries({ queryKey: ['inspection', inspectionId] });
    },
    onError: (e) => void message.error(e.message),
  });
  return (
    <div>
      <label htmlFor={`section-${section}`}>
        <strong>{title}</strong>
      </label>
      <Input.TextArea id={`section-${section}`} value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 4, maxRows: 16 }} readOnly={!writable} />
      {writable && (
        <Button size="small" style={{ marginTop: 8 }} loading={save.isPending} disabled={!text.trim()} onClick={() => save.mutate()}>
          保存{title}
        </Button>
      )}
    </div>
  );
}

/** A download needs the bearer token, which a plain link cannot send. */
async function downloadDocx(inspectionId: string): Promise<void> {
  const response = await fetch(`/api/v1/inspections/${inspectionId}/report.docx`, { headers: { authorization: `Bearer ${currentSession()?.token ?? ''}` } });
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: `巡察报告-${inspectionId.slice(0, 8)}.docx` });
  link.click();
  URL.revokeObjectURL(url);
}
