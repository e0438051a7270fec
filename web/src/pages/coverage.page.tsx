import { Card, Empty, Flex, Progress, Select, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ApiFailure } from '../api/client';
import { useCoverage, useTerms, type Coverage } from '../api/register-queries';
import { Failure, tone } from '../app/widgets';
import { emptyText } from '../app/empty-text';
import { COVERAGE_STATUS_LABELS, COVERAGE_STATUS_TONES, ORGANIZATION_KIND_LABELS, ORGANIZATION_LEVEL_LABELS, TERM_STATUS_LABELS } from '../i18n/register-labels';
import { STATE_LABELS } from '../i18n/labels';
import { stageTitle } from '../model';

type Row = Coverage['organizations'][number];
const GAP_BACKGROUND = '#fdecea';

const yearsOf = (row: Row) => new Set([...row.planned.map((p) => p.year), ...row.inspections.map((i) => i.year)]);

/** 全覆盖: every organisation in a term's scope, covered / planned / not covered, 回头看 marked, the gaps highlighted. */
export function CoveragePage() {
  const terms = useTerms();
  const [search, setSearch] = useSearchParams();
  const all = terms.data?.terms ?? [];
  // Without a choice, the newest approved plan: the one the office reports against.
  const termId = search.get('term') ?? all.find((t) => t.status === 'approved')?.id ?? all[0]?.id;
  const coverage = useCoverage(termId);
  const [status, setStatus] = useState<Row['status'] | undefined>();
  const [year, setYear] = useState<number | undefined>();
  const data = coverage.data;
  const first = data ? Number(data.term.startsOn.slice(0, 4)) : 0;
  const last = data ? Number(data.term.endsOn.slice(0, 4)) : -1;
  const years = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  const rows = (data?.organizations ?? []).filter((o) => (!status || o.status === status) && (!year || yearsOf(o).has(year)));
  const filtered = !!status || !!year;

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          巡察全覆盖
        </Typography.Title>
        <Select
          aria-label="巡察规划"
          style={{ minWidth: 320 }}
          loading={terms.isPending}
          value={termId}
          placeholder="选择巡察规划"
          onChange={(id: string) => setSearch({ term: id })}
          options={all.map((t) => ({ value: t.id, label: `${t.name}（${TERM_STATUS_LABELS[t.status]}）` }))}
        />
      </Flex>
      {terms.isError && <Failure error={terms.error as ApiFailure} />}
      {coverage.isError && <Failure error={coverage.error as ApiFailure} />}
      {terms.data && all.length === 0 && (
        <Card>
          <Empty description={<>尚无巡察规划：<Link to="/terms">先制定届内巡察规划</Link></>} />
        </Card>
      )}
      {data && (
        <>
          <Card size="small" data-testid="coverage-counts">
            <Flex gap={32} wrap align="center">
              <Progress type="circle" size={88} percent={Math.round(data.counts.shareCovered * 100)} aria-label="覆盖率" format={(p) => `${p}%`} />
              <Statistic title="范围内单位" value={data.counts.inScope} />
              <Statistic title="已覆盖" value={data.counts.covered} />
              <Statistic title="已列入规划未巡察" value={data.counts.planned} />
              <Statistic title="未覆盖且未列入规划" value={data.counts.notCovered} />
              <Statistic title="回头看" value={data.counts.revisited} />
              <Link to={`/terms/${data.term.id}`}>查看规划</Link>
            </Flex>
          </Card>
          <Card size="small">
            <Flex gap={8} wrap style={{ marginBottom: 12 }}>
              <Select
                aria-label="覆盖状态"
                allowClear
                placeholder="全部状态"
                style={{ width: 160 }}
                value={status}
                onChange={setStatus}
                options={Object.entries(COVERAGE_STATUS_LABELS).map(([value, label]) => ({ value, label }))}
              />
              <Select aria-label="年度" allowClear placeholder="全部年度" style={{ width: 120 }} value={year} onChange={setYear} options={years.map((y) => ({ value: y, label: `${y}年` }))} />
            </Flex>
            <Table
              rowKey="id"
              size="small"
              dataSource={rows}
              pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
              scroll={{ x: 980 }}
              data-testid="coverage"
              locale={emptyText('没有符合条件的单位')}
              // The gaps are what the office must plan for: they stand out.
              onRow={(o) => (o.status === 'not_covered' ? { style: { background: GAP_BACKGROUND }, 'data-gap': 'true' } as never : {})}
              columns={[
                {
                  title: '单位',
                  render: (_, o) => <span style={{ paddingInlineStart: filtered ? 0 : o.depth * 20 }}>{o.name}{!o.active && <Typography.Text type="secondary">（已撤销）</Typography.Text>}</span>,
                },
                { title: '类型', width: 70, render: (_, o) => ORGANIZATION_KIND_LABELS[o.kind] },
                { title: '级别', width: 70, render: (_, o) => ORGANIZATION_LEVEL_LABELS[o.level] },
                {
                  title: '覆盖',
                  width: 160,
                  render: (_, o) => (
                    <>
                      <Tag color={tone(COVERAGE_STATUS_TONES[o.status])}>{COVERAGE_STATUS_LABELS[o.status]}</Tag>
                      {o.revisit && <Tag color={tone('purple')}>回头看</Tag>}
                    </>
                  ),
                },
                { title: '规划年度', width: 100, render: (_, o) => o.planned.map((p) => p.year).join('、') || '—' },
                {
                  title: '巡察情况',
                  render: (_, o) =>
                    o.inspections.length === 0
                      ? '—'
                      : o.inspections.map((i) => (
                          <div key={i.inspectionId}>
                            <Link to={`/rounds/${i.roundId}`} style={{ textDecoration: 'underline' }}>
                              {i.roundName}
                            </Link>
                            {i.as === 'extension' ? '（延伸巡察）' : ''} · {stageTitle(i.stage)} · {STATE_LABELS[i.state] ?? i.state}
                            {i.revisit && '（回头看）'}
                          </div>
                        )),
                },
              ]}
            />
          </Card>
          <Card size="small" title={<h3 style={{ margin: 0, fontSize: 16 }}>尚未巡察的单位（{data.notCovered.length}）</h3>}>
            {data.notCovered.length === 0 ? (
              <Typography.Text>范围内单位已全部巡察，实现全覆盖。</Typography.Text>
            ) : (
              <Flex gap={8} wrap data-testid="not-covered">
                {data.notCovered.map((o) => (
                  <Tag key={o.id} color={tone(o.planned ? 'gold' : 'red')}>
                    {o.name}
                    {o.planned ? '（已列入规划）' : '（未列入规划）'}
                  </Tag>
                ))}
              </Flex>
            )}
          </Card>
        </>
      )}
    </Flex>
  );
}
