import { DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';

export const MEETING_KINDS = ['领导小组会议', '书记专题会'];

/** The meeting a collective body decides at (kind, date, minutes), as fields of the surrounding form under `meeting`. */
export function MeetingFields() {
  return (
    <>
      <Form.Item name={['meeting', 'kind']} label="会议" rules={[{ required: true, message: '请选择会议' }]}>
        <Select options={MEETING_KINDS.map((k) => ({ value: k, label: k }))} />
      </Form.Item>
      <Form.Item
        name={['meeting', 'heldOn']}
        label="会议日期"
        rules={[{ required: true, message: '请选择会议日期' }]}
        getValueProps={(v: string | undefined) => ({ value: v ? dayjs(v) : undefined })}
        normalize={(v: Dayjs | null) => (v ? v.format('YYYY-MM-DD') : undefined)}
      >
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name={['meeting', 'minutesRef']} label="会议纪要编号" rules={[{ required: true, message: '请填写会议纪要编号' }]}>
        <Input placeholder="例如：巡领〔2021〕5号" />
      </Form.Item>
    </>
  );
}
