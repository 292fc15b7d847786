import { useEffect, useId, useRef, useState } from 'react';
import type { StatusCategory } from '@jira-sync/backstage-plugin-jira-sync-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import type { EntityIssueFacets } from '@jira-sync/backstage-plugin-jira-sync-common';
import { CATEGORY_LABELS } from './charts/palette';
import { IssueView, LIST_FILTERS, ListFilter } from './issueView';
import { SummarySearchField } from '../SummarySearchField';

// Typing in the search box should not send one request (nor push one history entry) per key stroke.
const SEARCH_DEBOUNCE_MS = 350;

interface Option {
  value: string;
  label: string;
}

const LABELS: Record<ListFilter, string> = {
  statusCategory: 'Status category',
  type: 'Type',
  assignee: 'Assignee',
  label: 'Label',
  component: 'Component',
};

function optionsOf(name: ListFilter, facets?: EntityIssueFacets): Option[] {
  const plain = (values: string[]) => values.map(value => ({ value, label: value }));
  switch (name) {
    case 'statusCategory':
      return (Object.keys(CATEGORY_LABELS) as StatusCategory[]).map(value => ({ value, label: CATEGORY_LABELS[value] }));
    case 'assignee':
      return (facets?.assignees ?? []).map(user => ({ value: user.accountId, label: user.displayName ?? user.accountId }));
    case 'type':
      return plain(facets?.types ?? []);
    case 'label':
      return plain(facets?.labels ?? []);
    default:
      return plain(facets?.components ?? []);
  }
}

/** The list's filters: any-of menus from the entity's facets and a summary search, all kept in the URL. */
export function IssueFilters(props: { view: IssueView; facets?: EntityIssueFacets; onChange: (change: Partial<IssueView>, options?: { replace?: boolean }) => void }) {
  const { view, facets, onChange } = props;
  const searchId = useId();
  const [searchInput, setSearchInput] = useState(view.q);
  const sent = useRef(view.q);

  // The URL can change under the box (back button, Clear filters): follow it, but not our own echo.
  useEffect(() => {
    if (view.q !== sent.current) {
      sent.current = view.q;
      setSearchInput(view.q);
    }
  }, [view.q]);
  useEffect(() => {
    const next = searchInput.trim();
    if (next === view.q) return undefined;
    const timer = setTimeout(() => {
      sent.current = next;
      onChange({ q: next }, { replace: true });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [searchInput, view.q, onChange]);

  const filtered = LIST_FILTERS.some(name => view[name].length > 0) || view.q;
  return (
    <Box display="flex" gridGap={12} flexWrap="wrap" alignItems="center" mb={1} role="group" aria-label="Issue filters">
      {LIST_FILTERS.map(name => (
        <MultiSelect
          key={name}
          name={name}
          label={LABELS[name]}
          options={optionsOf(name, facets)}
          selected={view[name]}
          onChange={values => onChange({ [name]: values })}
        />
      ))}
      <SummarySearchField id={searchId} value={searchInput} onChange={setSearchInput} />
      {filtered && (
        <Button size="small" onClick={() => onChange({ statusCategory: [], type: [], assignee: [], label: [], component: [], q: '' })}>
          Clear filters
        </Button>
      )}
    </Box>
  );
}

function MultiSelect(props: { name: ListFilter; label: string; options: Option[]; selected: string[]; onChange: (values: string[]) => void }) {
  const { name, label, options, selected, onChange } = props;
  const labelId = useId();
  // A value from a shared link that the facets no longer list is still shown, so it can be cleared.
  const all = [...options, ...selected.filter(value => !options.some(option => option.value === value)).map(value => ({ value, label: value }))];
  const labelOf = (value: string) => all.find(option => option.value === value)?.label ?? value;
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 150, maxWidth: 260 }}>
      <InputLabel id={labelId}>{label}</InputLabel>
      <Select
        labelId={labelId}
        label={label}
        multiple
        value={selected}
        onChange={event => onChange(event.target.value as string[])}
        renderValue={values => (values as string[]).map(labelOf).join(', ')}
        SelectDisplayProps={{ 'data-testid': `jira-sync-filter-${name}` } as any}
      >
        {all.length === 0 && (
          <MenuItem disabled value="">
            None in this entity's issues
          </MenuItem>
        )}
        {all.map(option => (
          <MenuItem key={option.value} value={option.value}>
            <Checkbox size="small" checked={selected.includes(option.value)} />
            <ListItemText primary={option.label} />
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
