import { Table, TableColumn } from '@backstage/core-components';
import type { Issue } from '@jira-sync/backstage-plugin-jira-sync-common';
import Chip from '@material-ui/core/Chip';
import MuiLink from '@material-ui/core/Link';
import { makeStyles } from '@material-ui/core/styles';
import { formatAge } from '../EntityJiraSyncCard/format';
import { IssueOrder, orderAfterClick, serverSortable } from '../EntityJiraSyncCard/serverSort';
import { CATEGORY_COLORS } from './charts/palette';

const useStyles = makeStyles(theme => ({
  key: { whiteSpace: 'nowrap', fontWeight: 500, textAlign: 'left' },
  // Backstage's theme gives chips a bottom margin, which lifts them off a table row's centre.
  chip: { margin: 0, color: '#fff' },
  chip_new: { backgroundColor: CATEGORY_COLORS.new, color: '#000' },
  chip_indeterminate: { backgroundColor: CATEGORY_COLORS.indeterminate },
  chip_done: { backgroundColor: CATEGORY_COLORS.done, color: '#000' },
  nowrap: { whiteSpace: 'nowrap', color: theme.palette.text.primary },
}));

/** A page of the entity's issues, sorted by the server; a row (or its key, by keyboard) opens the issue. */
export function IssueListTable(props: { items: Issue[]; now: number; order: IssueOrder; onOrderChange: (order: IssueOrder) => void; onOpen: (issue: Issue) => void }) {
  const { items, now, order, onOrderChange, onOpen } = props;
  const classes = useStyles();
  const sortable = (field: string) => serverSortable(field, order);
  const columns: TableColumn<Issue>[] = [
    {
      title: 'Key',
      field: 'key',
      ...sortable('key'),
      render: issue => (
        <MuiLink
          component="button"
          className={classes.key}
          data-testid="jira-sync-issue-open"
          onClick={(event: React.MouseEvent) => {
            event.stopPropagation();
            onOpen(issue);
          }}
        >
          {issue.key}
        </MuiLink>
      ),
    },
    { title: 'Summary', field: 'summary', sorting: false, width: '40%', render: issue => issue.summary ?? '' },
    { title: 'Type', field: 'issueType', sorting: false, cellStyle: { whiteSpace: 'nowrap' }, render: issue => issue.issueType ?? '' },
    {
      title: 'Status',
      field: 'status',
      ...sortable('status'),
      render: issue =>
        issue.status ? (
          <Chip size="small" label={issue.status} className={`${classes.chip} ${issue.statusCategory ? classes[`chip_${issue.statusCategory}`] : ''}`} />
        ) : (
          ''
        ),
    },
    { title: 'Priority', field: 'priority', ...sortable('priority'), render: issue => issue.priority ?? '' },
    { title: 'Assignee', field: 'assignee', sorting: false, cellStyle: { whiteSpace: 'nowrap' }, render: issue => issue.assignee?.displayName ?? 'Unassigned' },
    { title: 'Created', field: 'created', ...sortable('created'), render: issue => <span className={classes.nowrap} title={issue.created}>{issue.created.slice(0, 10)}</span> },
    { title: 'Updated', field: 'updated', ...sortable('updated'), render: issue => <span className={classes.nowrap} title={issue.updated}>{formatAge(issue.updated, now)}</span> },
  ];
  return (
    <Table<Issue>
      // Keyed by the order so the header's arrow follows it when the server order changes.
      key={`${order.sort}:${order.order}`}
      title="Jira issues"
      columns={columns}
      data={items.map(issue => ({ ...issue }))}
      onRowClick={(_event, issue) => issue && onOpen(issue)}
      options={{ paging: false, search: false, toolbar: false, padding: 'dense', sorting: true, thirdSortClick: false, draggable: false }}
      onOrderChange={column => {
        const next = orderAfterClick(String(columns[column]?.field), order);
        if (next) onOrderChange(next);
      }}
    />
  );
}
