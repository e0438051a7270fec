import { Typography } from 'antd';

/**
 * A table's words for "nothing here". Ant Design paints a plain-text emptyText in its
 * disabled grey, below WCAG AA on white; secondary text (themed in main.tsx) meets it.
 */
export const emptyText = (text: string) => ({ emptyText: <Typography.Text type="secondary">{text}</Typography.Text> });
