export function RoundPage() {
  return <div>round</div>;
}
