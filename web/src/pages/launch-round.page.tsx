export function LaunchRoundPage() {
  return <div>launch-round</div>;
}
