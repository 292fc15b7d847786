import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import type { IssueDetail, IssueHistory } from '@jira-sync/backstage-plugin-jira-sync-common';
import { useLoad } from '../EntityJiraSyncCard/useLoad';
import { useCompleteChangelog } from './useCompleteChangelog';

const useStyles = makeStyles(theme => ({
  paper: { width: 'min(640px, 100vw)', padding: theme.spacing(3) },
  header: { display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', gap: theme.spacing(2) },
  fields: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: theme.spacing(2), rowGap: theme.spacing(0.5), margin: theme.spacing(2, 0) },
  timeline: { listStyle: 'none', margin: 0, padding: 0, borderLeft: `2px solid ${theme.palette.divider}` },
  entry: { position: 'relative', padding: theme.spacing(0, 0, 1.5, 2) },
  when: { color: theme.palette.text.secondary },
  change: { overflowWrap: 'anywhere' },
}));

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** One issue's fields and its complete history as a timeline, with a link to the issue in Jira. */
export function IssueDrawer(props: { issueKey: string; instance?: string; onClose: () => void }) {
  const { issueKey, instance, onClose } = props;
  const classes = useStyles();
  return (
    <Drawer anchor="right" open onClose={onClose} classes={{ paper: classes.paper }}>
      <Box role="region" aria-label={`Issue ${issueKey}`} data-testid="jira-sync-issue-drawer">
        <IssueDrawerBody issueKey={issueKey} instance={instance} onClose={onClose} />
      </Box>
    </Drawer>
  );
}

function IssueDrawerBody(props: { issueKey: string; instance?: string; onClose: () => void }) {
  const { issueKey, instance, onClose } = props;
  const classes = useStyles();
  const api = useApi(jiraSyncApiRef);
  const detail = useLoad(() => api.getIssue(issueKey, { instance }), [api, issueKey, instance]);
  const changelog = useCompleteChangelog(api, issueKey, instance);
  const issue = detail.value;
  return (
    <>
      <Box className={classes.header}>
        <Box>
          <Typography variant="h5" component="h2">
            {issueKey}
          </Typography>
          {issue && <Typography variant="subtitle1">{issue.summary}</Typography>}
        </Box>
        <IconButton aria-label="Close" onClick={onClose} size="small">
          ×
        </IconButton>
      </Box>
      {detail.error && <ResponseErrorPanel error={detail.error} title={`Could not load ${issueKey}`} />}
      {!issue && !detail.error && <Progress />}
      {issue && <IssueFields issue={issue} />}
      <Typography variant="h6" component="h3">
        History
      </Typography>
      <Typography variant="body2" color="textSecondary" data-testid="jira-sync-history-status" role="status">
        {changelog.complete
          ? `${changelog.histories.length.toLocaleString('en-US')} changes, oldest first`
          : `Loading the history… ${changelog.histories.length.toLocaleString('en-US')}${issue ? ` of ${issue.historyCount.toLocaleString('en-US')}` : ''} changes so far`}
      </Typography>
      {changelog.error && <ResponseErrorPanel error={changelog.error} title="Could not load the whole history" />}
      <Box mt={1}>
        <ol className={classes.timeline} aria-label={`History of ${issueKey}`}>
          {changelog.histories.map(history => (
            <HistoryEntry key={history.id} history={history} />
          ))}
        </ol>
      </Box>
    </>
  );
}

function IssueFields(props: { issue: IssueDetail }) {
  const { issue } = props;
  const classes = useStyles();
  const rows: Array<[string, string]> = [
    ['Status', `${issue.status ?? '–'}`],
    ['Type', issue.issueType ?? '–'],
    ['Priority', issue.priority ?? '–'],
    ['Assignee', issue.assignee?.displayName ?? 'Unassigned'],
    ['Reporter', issue.reporter?.displayName ?? '–'],
    ['Labels', issue.labels.join(', ') || '–'],
    ['Components', issue.components.join(', ') || '–'],
    ['Created', when(issue.created)],
    ['Updated', when(issue.updated)],
    ['Resolved', issue.resolved ? when(issue.resolved) : '–'],
  ];
  return (
    <>
      <Box mt={1}>
        <Link to={issue.url} target="_blank" rel="noopener noreferrer" data-testid="jira-sync-drawer-jira-link">
          Open {issue.key} in Jira
        </Link>
        {issue.deleted && <Chip size="small" label={`Deleted in Jira ${when(issue.deleted.at)}`} style={{ marginLeft: 8 }} />}
      </Box>
      <dl className={classes.fields} data-testid="jira-sync-issue-fields">
        {rows.map(([name, value]) => (
          <Box key={name} display="contents">
            <Typography component="dt" variant="body2" color="textSecondary">
              {name}
            </Typography>
            <Typography component="dd" variant="body2" style={{ margin: 0 }}>
              {value}
            </Typography>
          </Box>
        ))}
      </dl>
    </>
  );
}

function HistoryEntry(props: { history: IssueHistory }) {
  const { history } = props;
  const classes = useStyles();
  return (
    <li className={classes.entry} data-testid="jira-sync-history-entry" data-history-id={history.id}>
      <Typography variant="caption" className={classes.when} component="div">
        <time dateTime={history.created}>{when(history.created)}</time> · {history.author?.displayName ?? 'Someone'}
      </Typography>
      {history.items.map((item, i) => (
        <Typography key={i} variant="body2" className={classes.change}>
          <strong>{item.field}</strong>: {item.fromString ?? item.from ?? '–'} → {item.toString ?? item.to ?? '–'}
        </Typography>
      ))}
    </li>
  );
}
