import { Button, Result } from 'antd';
import { Link } from 'react-router';

export function NotFoundPage() {
  return <Result status="404" title="页面不存在" extra={<Link to="/"><Button type="primary">回到工作台</Button></Link>} />;
}
