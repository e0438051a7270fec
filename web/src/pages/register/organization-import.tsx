import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Table, Upload } from 'antd';
import { useState } from 'react';
import type { ApiFailure } from '../../api/client';
import { download, sendFile } from '../../api/files';
import type { paths } from '../../api/schema';
import { IMPORT_COLUMN_LABELS } from '../../i18n/register-labels';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type ImportResult = paths['/api/v1/organizations/imports']['post']['responses'][201]['content']['application/json'];
interface RowIssue {
  field: string;
  message: string;
  row?: number;
}

/** Where an import issue points, in the sheet's own words: row 4, column 类型. */
function placeOf(issue: RowIssue): { row: string; column: string } {
  const [, , key] = issue.field.split('.');
  return { row: issue.row ? `第 ${issue.row} 行` : '整个文件', column: key ? (IMPORT_COLUMN_LABELS[key] ?? key) : '—' };
}

/**
 * The office's spreadsheet of organisations: all rows or none. A refused sheet lists
 * every bad row the server named, so the office fixes the sheet once.
 */
export function OrganizationImport() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [refusal, setRefusal] = useState<ApiFailure | null>(null);
  const importSheet = useMutation<ImportResult, ApiFailure, File>({
    mutationFn: (file) => {
      setRefusal(null);
      return sendFile<ImportResult>('/api/v1/organizations/imports', file, XLSX);
    },
    onSuccess: async (result) => {
      void message.success(`已导入 ${result.imported} 个单位`);
      await queryClient.invalidateQueries({ queryKey: ['organizations'] });
    },
    onError: setRefusal,
  });
  const issues = (refusal?.body.details?.issues ?? []) as RowIssue[];
  return (
    <Flex vertical gap={8}>
      <Flex gap={8} wrap>
        <Upload accept=".xlsx" showUploadList={false} customRequest={({ file }) => importSheet.mutate(file as File)} disabled={importSheet.isPending}>
          <Button icon={<UploadOutlined />} loading={importSheet.isPending}>
            导入 Excel
          </Button>
        </Upload>
        <Button onClick={() => void download('/api/v1/organizations/import-template.xlsx', '被巡察单位导入模板.xlsx').catch((e: ApiFailure) => void message.error(e.message))}>
          下载导入模板
        </Button>
      </Flex>
      {refusal && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="import-refusal"
          title={issues.length > 0 ? `表格未导入：共 ${issues.length} 处问题，请全部改正后重新导入（任何一行有误则整表不导入）。` : `表格未导入：${refusal.message}`}
          description={
            issues.length > 0 && (
              <Table
                rowKey={(i) => i.field + i.message}
                size="small"
                pagination={false}
                dataSource={issues}
                columns={[
                  { title: '行', width: 90, render: (_, i) => placeOf(i).row },
                  { title: '列', width: 110, render: (_, i) => placeOf(i).column },
                  { title: '问题', render: (_, i) => i.message },
                ]}
              />
            )
          }
          closable={{ onClose: () => setRefusal(null) }}
        />
      )}
    </Flex>
  );
}
