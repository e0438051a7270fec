import dayjs, { type Dayjs } from 'dayjs';

/** Form.Item props that keep a DatePicker's value as the API's `YYYY-MM-DD` text. */
export const dayFieldProps = {
  getValueProps: (value: string | undefined | null) => ({ value: value ? dayjs(value) : undefined }),
  normalize: (value: Dayjs | null) => (value ? value.format('YYYY-MM-DD') : undefined),
};
