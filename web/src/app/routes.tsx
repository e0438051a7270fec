import { createBrowserRouter } from 'react-router';
import { SignInPage } from '../auth/sign-in.page';
import { HomePage } from '../pages/home.page';
import { Shell } from './shell';

// Each screen is its own chunk: a leader approving from a phone loads the approval page, not the wizard.
// The 工作台 is the exception: it is where everyone lands, so it comes with the entry rather than
// after it (its to-do answer, started by prefetch.js, is usually there before a lazy chunk would be).
export const router = createBrowserRouter([
  { path: '/signin', element: <SignInPage /> },
  { path: '/signin/callback', lazy: async () => ({ Component: (await import('../auth/sign-in-callback.page')).SignInCallbackPage }) },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, Component: HomePage },
      { path: 'rounds', lazy: async () => ({ Component: (await import('../pages/rounds.page')).RoundsPage }) },
      { path: 'rounds/new', lazy: async () => ({ Component: (await import('../pages/launch-round.page')).LaunchRoundPage }) },
      { path: 'rounds/:roundId', lazy: async () => ({ Component: (await import('../pages/round.page')).RoundPage }) },
      { path: 'inspections/:id', lazy: async () => ({ Component: (await import('../pages/inspection.page')).InspectionPage }) },
      { path: 'inspections/:id/approval', lazy: async () => ({ Component: (await import('../pages/approval.page')).ApprovalPage }) },
      { path: 'inspections/:id/audit', lazy: async () => ({ Component: (await import('../pages/audit.page')).AuditPage }) },
      { path: 'organizations', lazy: async () => ({ Component: (await import('../pages/register.page')).RegisterPage }) },
      { path: 'terms', lazy: async () => ({ Component: (await import('../pages/terms.page')).TermsPage }) },
      { path: 'terms/:id', lazy: async () => ({ Component: (await import('../pages/term.page')).TermPage }) },
      { path: 'coverage', lazy: async () => ({ Component: (await import('../pages/coverage.page')).CoveragePage }) },
      { path: 'statistics', lazy: async () => ({ Component: (await import('../pages/statistics.page')).StatisticsPage }) },
      { path: '*', lazy: async () => ({ Component: (await import('../pages/not-found.page')).NotFoundPage }) },
    ],
  },
]);
