import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiFailure } from './api/client';
import { adoptPrefetchedTasks } from './api/prefetched';
import { router } from './app/routes';
import { theme } from './app/theme';
import 'virtual:antd-styles.css';

dayjs.locale('zh-cn');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Others change what a page shows (an approval, a new record): refetch on focus and every 15 s.
      refetchOnWindowFocus: true,
      refetchInterval: 15_000,
      // A refusal will not change by asking again; an outage may.
      retry: (count, error) => count < 2 && (!(error instanceof ApiFailure) || error.retryable),
    },
    mutations: { retry: false },
  },
});

adoptPrefetchedTasks(queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider
      locale={zhCN}
      // Ant Design spaces out two-character button labels (审 批); Chinese readers and screen readers want the word.
      button={{ autoInsertSpace: false }}
      theme={{ ...theme, zeroRuntime: true }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
