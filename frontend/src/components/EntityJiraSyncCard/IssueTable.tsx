import { Link, Table, TableColumn } from '@backstage/core-components';
import type { Issue } from '@jira-sync/backstage-plugin-jira-sync-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { formatAge } from './format';
import { IssueOrder, orderAfterClick, serverSortable } from './serverSort';

export type { IssueOrder } from './serverSort';

const useStyles = makeStyles(theme => ({
  key: { whiteSpace: 'nowrap', fontWeight: 500 },
  // Backstage's theme gives chips a bottom margin, which lifts them off a table row's centre.
  chip: { margin: 0 },
  chip_new: { backgroundColor: theme.palette.grey[300], color: theme.palette.grey[900] },
  chip_indeterminate: { backgroundColor: theme.palette.info?.main ?? theme.palette.primary.main, color: '#fff' },
  chip_done: { backgroundColor: theme.palette.success?.main ?? '#2e7d32', color: '#fff' },
}));

/** One page of an entity's issues on core-components' Table, sorted by the server when a sortable header is clicked. */
export function IssueTable(props: {
  items: Issue[];
  now: number;
  order: IssueOrder;
  onOrderChange: (order: IssueOrder) => void;
}) {
  const { items, now, order, onOrderChange } = props;
  const classes = useStyles();
  const sortable = (field: string) => serverSortable(field, order);
  const columns: TableColumn<Issue>[] = [
    {
      title: 'Key',
      field: 'key',
      ...sortable('key'),
      render: issue => (
        <Link to={issue.url} target="_blank" rel="noopener noreferrer" className={classes.key} data-testid="jira-sync-issue-key">
          {issue.key}
        </Link>
      ),
    },
    // The summary takes the room the short columns leave, so it wraps only when it must.
    { title: 'Summary', field: 'summary', sorting: false, width: '50%', render: issue => issue.summary ?? '' },
    { title: 'Type', field: 'issueType', sorting: false, cellStyle: { whiteSpace: 'nowrap' }, render: issue => issue.issueType ?? '' },
    {
      title: 'Status',
      field: 'status',
      ...sortable('status'),
      render: issue =>
        issue.status ? (
          <Chip
            size="small"
            label={issue.status}
            className={`${classes.chip} ${issue.statusCategory ? classes[`chip_${issue.statusCategory}`] : ''}`}
          />
        ) : (
          ''
        ),
    },
    { title: 'Priority', field: 'priority', ...sortable('priority'), cellStyle: { whiteSpace: 'nowrap' }, render: issue => issue.priority ?? '' },
    {
      title: 'Assignee',
      field: 'assignee',
      sorting: false,
      cellStyle: { whiteSpace: 'nowrap' },
      render: issue => issue.assignee?.displayName ?? 'Unassigned',
    },
    {
      title: 'Updated',
      field: 'updated',
      ...sortable('updated'),
      cellStyle: { whiteSpace: 'nowrap' },
      render: issue => <span title={issue.updated}>{formatAge(issue.updated, now)}</span>,
    },
  ];
  return (
    <Table<Issue>
      // Keyed by the order so the header's arrow follows it when the server order changes.
      key={`${order.sort}:${order.order}`}
      title="Jira issues"
      columns={columns}
      data={items.map(issue => ({ ...issue }))}
      options={{ paging: false, search: false, toolbar: false, padding: 'dense', sorting: true, thirdSortClick: false, draggable: false }}
      onOrderChange={column => {
        const next = orderAfterClick(String(columns[column]?.field), order);
        if (next) onOrderChange(next);
      }}
    />
  );
}
