import { extractStyle } from '@ant-design/static-style-extract';
import { ConfigProvider } from 'antd';
import { createElement } from 'react';
import { theme } from './theme';

/**
 * Ant Design's stylesheet for the console's theme: every component rendered once under the
 * theme, on the server, and the CSS it generated collected. Run at build time by
 * vite.config.ts (never bundled): the console itself runs antd with `zeroRuntime`.
 */
export function antdStaticStyles(): string {
  return extractStyle((node) => createElement(ConfigProvider, { theme }, node));
}
