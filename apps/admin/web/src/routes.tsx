import { AuditPage } from './pages/audit-page';
import { DashboardPage } from './pages/dashboard-page';
import { DeadLettersPage } from './pages/dead-letters-page';
import { PeriodicPage } from './pages/periodic-page';
import { ScheduledPage } from './pages/scheduled-page';
import { StreamDetailPage } from './pages/stream-detail-page';
import { StreamsPage } from './pages/streams-page';
import { WorkersPage } from './pages/workers-page';
import { useRoute } from './router';

/** Hash routes: `#/`, `#/streams`, `#/streams/<name>`, `#/dead-letters`, `#/scheduled`, `#/periodic`, `#/workers`, `#/audit`. */
export function Routes() {
  const { path, params } = useRoute();
  const [page = '', id] = path;
  switch (page) {
    case '':
    case 'dashboard':
      return <DashboardPage />;
    case 'streams':
      return id ? <StreamDetailPage key={id} name={id} /> : <StreamsPage />;
    case 'dead-letters':
      return <DeadLettersPage params={params} />;
    case 'scheduled':
      return <ScheduledPage />;
    case 'periodic':
      return <PeriodicPage />;
    case 'workers':
      return <WorkersPage />;
    case 'audit':
      return <AuditPage />;
    default:
      return (
        <section class="page">
          <h1>Not found</h1>
          <p>
            There is no page here. <a href="#/">Go to the dashboard</a>.
          </p>
        </section>
      );
  }
}
