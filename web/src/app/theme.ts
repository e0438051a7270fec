import type { ThemeConfig } from 'antd';

/**
 * The console's Ant Design theme. Its styles are generated once, at build time, from this
 * same object (vite.config.ts, `virtual:antd-styles.css`), and the console runs Ant Design
 * in zero-runtime mode: at a cold load the first render otherwise spent about a sixth of
 * its CPU generating and injecting the CSS-in-JS of every component on the screen.
 */
export const theme: ThemeConfig = {
  // Ant Design's grey secondary and placeholder text and red error text are below WCAG AA on white; these meet it.
  token: {
    colorPrimary: '#b71c1c',
    colorLink: '#1d4ed8',
    colorError: '#c41d1d',
    colorTextSecondary: 'rgba(0,0,0,0.65)',
    colorTextTertiary: 'rgba(0,0,0,0.6)',
    colorTextDescription: 'rgba(0,0,0,0.6)',
    colorTextPlaceholder: 'rgba(0,0,0,0.6)',
  },
  // Plain class names and a fixed key for the theme's CSS variables, so the stylesheet made at
  // build time matches the class names the components put on at run time.
  hashed: false,
  cssVar: { key: 'xuncha' },
};
