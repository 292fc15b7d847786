import '@backstage/cli/asset-types';
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import jiraSyncPlugin from '@jira-sync/backstage-plugin-jira-sync/alpha';

// A plain Backstage app (new frontend system): the catalog and the jira-sync card, nothing else.
const app = createApp({ features: [catalogPlugin, jiraSyncPlugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
