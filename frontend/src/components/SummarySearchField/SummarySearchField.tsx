import TextField from '@material-ui/core/TextField';

/** The "Search summaries" box of the card and the tab; the caller debounces and keeps the value. */
export function SummarySearchField(props: { id: string; value: string; onChange: (value: string) => void }) {
  return (
    <TextField
      id={props.id}
      size="small"
      variant="outlined"
      label="Search summaries"
      value={props.value}
      onChange={event => props.onChange(event.target.value)}
    />
  );
}
