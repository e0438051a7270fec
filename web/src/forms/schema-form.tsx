import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Form, Input, InputNumber, Select, Switch, Tooltip, type FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import type { ApiFailure } from '../api/client';
import { labelOf, valueLabel } from '../i18n/labels';

/** The part of JSON Schema the API's record kinds use. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number | boolean)[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
}

export interface PickOption {
  value: string;
  label: string;
}

/**
 * Choices for fields that hold ids, by the field's path in the data with `*` for each
 * element of a list (`evidence.*`, `answers.*.problemId`, `memberSub`): the pickers a
 * generic form cannot know, filled from the stage model's references.
 */
export type Pickers = Record<string, PickOption[]>;

type NamePath = (string | number)[];

const hasCjk = (text: string | undefined) => !!text && /[\u4e00-\u9fff]/.test(text);

function fieldLabel(name: string, schema: JsonSchema): ReactNode {
  const label = schema.title ?? labelOf(name);
  // The schemas' descriptions are written for developers, in English; only Chinese ones help a clerk.
  return hasCjk(schema.description) ? (
    <Tooltip title={schema.description}>
      <span>{label}</span>
    </Tooltip>
  ) : (
    label
  );
}

function rulesFor(schema: JsonSchema, required: boolean, label: string): Rule[] {
  const rules: Rule[] = [];
  if (required && schema.type !== 'boolean') rules.push({ required: true, message: `请填写${label}` });
  if (schema.type === 'array' && schema.minItems) rules.push({ type: 'array', min: schema.minItems, message: `${label}至少 ${schema.minItems} 项` });
  if (schema.type === 'string' && schema.maxLength && !schema.format) rules.push({ max: schema.maxLength, message: `${label}最多 ${schema.maxLength} 字` });
  return rules;
}

const dateProps = {
  getValueProps: (value: string | undefined) => ({ value: value ? dayjs(value) : undefined }),
  normalize: (value: Dayjs | null) => (value ? value.format('YYYY-MM-DD') : undefined),
};

function Field({ name, path, pattern, schema, required, pickers }: {
  name: string;
  path: NamePath;
  pattern: string;
  schema: JsonSchema;
  required: boolean;
  pickers: Pickers;
}) {
  const label = fieldLabel(name, schema);
  const rules = rulesFor(schema, required, schema.title ?? labelOf(name));
  const picks = pickers[pattern];

  if (schema.type === 'object' && schema.properties) {
    return (
      <Card size="small" title={label} style={{ marginBottom: 16 }}>
        <SchemaFields schema={schema} path={path} pattern={pattern} pickers={pickers} />
      </Card>
    );
  }
  if (schema.type === 'array' && schema.items?.type === 'object') {
    return <ObjectList name={name} path={path} pattern={`${pattern}.*`} schema={schema} pickers={pickers} />;
  }
  if (schema.type === 'array') {
    const itemPicks = pickers[`${pattern}.*`];
    return (
      <Form.Item name={path} label={label} rules={rules}>
        {itemPicks ? (
          <Select mode="multiple" options={itemPicks} optionFilterProp="label" placeholder="请选择" />
        ) : schema.items?.enum ? (
          <Select mode="multiple" options={schema.items.enum.map((v) => ({ value: v, label: valueLabel(v) }))} />
        ) : (
          <Select mode="tags" open={false} suffixIcon={null} placeholder="输入后按回车添加" tokenSeparators={['，', ',']} />
        )}
      </Form.Item>
    );
  }
  if (picks) {
    return (
      <Form.Item name={path} label={label} rules={rules}>
        <Select options={picks} optionFilterProp="label" showSearch placeholder="请选择" />
      </Form.Item>
    );
  }
  if (schema.enum) {
    return (
      <Form.Item name={path} label={label} rules={rules}>
        <Select options={schema.enum.map((v) => ({ value: v, label: valueLabel(v) }))} placeholder="请选择" />
      </Form.Item>
    );
  }
  if (schema.type === 'boolean') {
    return (
      <Form.Item name={path} label={label} valuePropName="checked" initialValue={false}>
        <Switch checkedChildren="是" unCheckedChildren="否" />
      </Form.Item>
    );
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    return (
      <Form.Item name={path} label={label} rules={rules}>
        <InputNumber min={schema.minimum} max={schema.maximum} precision={schema.type === 'integer' ? 0 : undefined} style={{ width: 160 }} />
      </Form.Item>
    );
  }
  if (schema.format === 'date') {
    return (
      <Form.Item name={path} label={label} rules={rules} {...dateProps}>
        <DatePicker style={{ width: 200 }} />
      </Form.Item>
    );
  }
  return (
    <Form.Item name={path} label={label} rules={rules}>
      {(schema.maxLength ?? 0) > 300 ? <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} /> : <Input />}
    </Form.Item>
  );
}

function ObjectList({ name, path, pattern, schema, pickers }: { name: string; path: NamePath; pattern: string; schema: JsonSchema; pickers: Pickers }) {
  const label = schema.title ?? labelOf(name);
  return (
    <Form.List name={path} initialValue={schema.minItems ? Array.from({ length: schema.minItems }, () => ({})) : []}>
      {(fields, { add, remove }) => (
        <Card size="small" title={label} style={{ marginBottom: 16 }}>
          {fields.map((field, index) => (
            <Card
              key={field.key}
              size="small"
              type="inner"
              title={`${label} ${index + 1}`}
              style={{ marginBottom: 12 }}
              extra={
                <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} aria-label={`删除${label} ${index + 1}`} />
              }
            >
              <SchemaFields schema={schema.items!} path={[field.name]} pattern={pattern} pickers={pickers} />
            </Card>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block>
            添加{label}
          </Button>
        </Card>
      )}
    </Form.List>
  );
}

/** Form items for every property of an object schema, nested objects and lists included. */
export function SchemaFields({ schema, path = [], pattern = '', pickers = {} }: { schema: JsonSchema; path?: NamePath; pattern?: string; pickers?: Pickers }) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, property]) => (
        <Field
          key={name}
          name={name}
          path={[...path, name]}
          pattern={pattern ? `${pattern}.${name}` : name}
          schema={property}
          required={schema.required?.includes(name) ?? false}
          pickers={pickers}
        />
      ))}
    </>
  );
}

/**
 * Puts a 400's `details.issues[].field` (`body.data.summary`, `body.inspections.0.group.leader.sub`)
 * on the form items they name, after `prefix` (the part of the body the form does not hold).
 * Answers the issues no item showed, for an alert.
 */
export function showIssuesAtFields(form: FormInstance, failure: ApiFailure, prefix: string[] = ['body']): { field: string; message: string }[] {
  const registered = new Set(form.getFieldsError().map((entry) => JSON.stringify(entry.name)));
  const placed: { name: NamePath; errors: string[] }[] = [];
  const unplaced: { field: string; message: string }[] = [];
  for (const issue of failure.body.details?.issues ?? []) {
    const parts = issue.field.split('.');
    const name = prefix.every((p, i) => parts[i] === p) ? parts.slice(prefix.length).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
    // An issue about a list or object as a whole lands on it when it is an item of its own.
    if (name.length > 0 && registered.has(JSON.stringify(name))) placed.push({ name, errors: [issue.message] });
    else unplaced.push(issue);
  }
  form.setFields(placed);
  return unplaced;
}
